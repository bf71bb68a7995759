// The two entry points of the static evaluator: a project's settings module by dotted name, or one
// in-memory source. The work happens in checks/settings/eval/.
#include "checks/settings/evaluator.hpp"

#include <algorithm>

#include "checks/settings/eval/configurations.hpp"
#include "checks/settings/eval/frame.hpp"
#include "checks/settings/eval/imports.hpp"
#include "checks/settings/module_resolver.hpp"
#include "core/files.hpp"

namespace deployctl::checks::settings {

namespace fs = std::filesystem;

namespace {

// Names Python puts in every module's globals: not settings.
bool is_module_dunder(std::string_view name) {
  return name == "__file__" || name == "__name__" || name == "__package__" || name == "__doc__";
}

void collect_values(const eval::LoadedModule& module, SettingsModel& model) {
  // A star import from code we cannot see may bind any name: absent settings are then unknown, not defaults.
  model.namespace_complete = module.complete;
  model.namespace_incomplete_because = module.incomplete_because;
  for (const auto& [name, value] : module.scope.flatten())
    if (!is_module_dunder(name)) model.values.emplace(name, *value);
}

fs::path canonical_dir(const fs::path& dir) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  return ec ? dir.lexically_normal() : canonical;
}

std::string tried_paths(const fs::path& project, std::string_view dotted) {
  std::string relative(dotted);
  std::replace(relative.begin(), relative.end(), '.', '/');
  std::string out;
  for (const fs::path& root : {project, project / "src"}) {
    if (!out.empty()) out += ", ";
    out += (root / (relative + ".py")).string() + ", " + (root / relative / "__init__.py").string();
  }
  return out;
}

// The in-memory source's dotted name, from its path under the project ("mysite/settings.py").
std::string module_name_for(const std::string& filename, bool& is_package) {
  std::string name = fs::path(filename).lexically_normal().generic_string();
  if (name.ends_with(".py")) name.resize(name.size() - 3);
  is_package = name == "__init__" || name.ends_with("/__init__");
  if (is_package) name.resize(name.size() == 8 ? 0 : name.size() - 9);
  std::replace(name.begin(), name.end(), '/', '.');
  return name;
}

}  // namespace

Result<SettingsModel> evaluate_settings(const fs::path& project_dir, std::string_view settings_module,
                                        const Environment& environment) {
  const fs::path project = canonical_dir(project_dir);
  const auto file = resolve_module_file(project, settings_module);
  if (!file)
    return fail("settings module '" + std::string(settings_module) + "' not found under " + project.string() +
                " (tried " + tried_paths(project, settings_module) +
                "); name the right one with --settings <dotted.module> or `settings = \"<dotted.module>\"` in "
                "deployctl.toml");
  if (auto readable = read_text_file(*file); !readable) return fail(readable.error().message);

  SettingsModel model;
  model.project_dir = project;
  model.settings_module = std::string(settings_module);
  eval::Evaluation run(environment, project, model);
  model.settings_file = run.display_path(*file);

  // Imported the way Django does it: importlib.import_module(DJANGO_SETTINGS_MODULE).
  eval::LoadedModule bootstrap;
  bootstrap.name = "<deployctl>";
  eval::Frame importer(run, bootstrap, model.settings_file, *file, &bootstrap.scope);
  python::Import statement;
  statement.names.push_back(python::Alias{std::string(settings_module), std::string("settings"), {}});
  eval::execute_import(importer, statement, {});

  if (const auto it = run.modules.find(settings_module); it != run.modules.end()) {
    eval::apply_configuration(run, *it->second);
    collect_values(*it->second, model);
  }
  // Entry file first; the packages Python ran before it follow in the order they were read.
  const auto entry = std::find_if(model.files.begin(), model.files.end(),
                                  [&](const SourceFile& source) { return source.path == model.settings_file; });
  if (entry != model.files.end()) std::rotate(model.files.begin(), entry, entry + 1);
  return model;
}

SettingsModel evaluate_source(std::string_view source, const Environment& environment, const std::string& filename,
                              const fs::path& project_dir) {
  SettingsModel model;
  const fs::path project = project_dir.empty() ? fs::path() : canonical_dir(project_dir);
  model.project_dir = project;
  model.settings_file = filename;
  eval::Evaluation run(environment, project, model);

  auto module = std::make_shared<eval::LoadedModule>();
  bool is_package = false;
  module->name = module_name_for(filename, is_package);
  module->is_package = is_package;
  module->file = filename;
  module->located = !project.empty();
  if (project.empty()) {
    std::error_code ec;
    module->path = fs::absolute(filename, ec).lexically_normal();
  } else {
    module->path = (project / filename).lexically_normal();
  }
  model.settings_module = module->name;
  run.modules.emplace(module->name, module);

  const auto code = run.parse_source(std::string(source), filename);
  if (!model.files.empty()) model.files.front().module = module->name;
  if (code) {
    run.import_stack.push_back(module->name);
    eval::run_module_code(run, *module, *code);
    run.import_stack.pop_back();
  }
  module->executing = false;
  eval::apply_configuration(run, *module);
  collect_values(*module, model);
  return model;
}

}  // namespace deployctl::checks::settings
