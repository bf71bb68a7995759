// Imports as Python performs them: parent packages first, each project module run once (a module cache
// like sys.modules), relative names resolved against the importing module, star imports honouring
// __all__. Cycles and runaway nesting become DPL002 problems instead of hangs.
#include "checks/settings/eval/imports.hpp"

#include <algorithm>

#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/statements.hpp"
#include "checks/settings/eval/values.hpp"
#include "checks/settings/module_resolver.hpp"

namespace deployctl::checks::settings::eval {

namespace fs = std::filesystem;
namespace py = python;
using Kind = Value::Kind;

namespace {

enum class LoadStatus { loaded, executing, not_found, too_deep };

void report_once(Evaluation& run, std::string_view rule, std::string message, const Origin& where, std::string fix) {
  for (const Finding& existing : run.model.problems)
    if (existing.rule == rule && existing.message == message) return;
  run.problem(rule, std::move(message), where, std::move(fix));
}

void report_cycle(Evaluation& run, const std::string& dotted, const Origin& where) {
  std::string chain;
  const auto start = std::find(run.import_stack.begin(), run.import_stack.end(), dotted);
  for (auto it = start; it != run.import_stack.end(); ++it) chain += *it + " -> ";
  chain += dotted;
  report_once(run, "DPL002",
              "import cycle: " + chain + "; Python runs the later modules with " + dotted +
                  " only half initialised, so names it defines after the import are missing there",
              where, "move the shared settings into a module that imports none of the others");
}

// Whether `package` is `module` itself or one of its parent packages.
bool is_package_of(std::string_view package, std::string_view module) {
  return module == package ||
         (module.starts_with(package) && module.size() > package.size() && module[package.size()] == '.');
}

bool project_has_top_level(const Evaluation& run, std::string_view dotted) {
  const std::string top(dotted.substr(0, dotted.find('.')));
  std::error_code ec;
  if (resolve_module_file(run.project_dir, top)) return true;
  // A folder without __init__.py only counts when no regular module of that name shadows it.
  return !library_import_succeeds(top) &&
         (fs::is_directory(run.project_dir / top, ec) || fs::is_directory(run.project_dir / "src" / top, ec));
}

std::shared_ptr<LoadedModule> namespace_package(Evaluation& run, const std::string& dotted) {
  // A regular module of that name elsewhere on sys.path (the standard library's `logging`) wins over a
  // project folder `logging/` without __init__.py.
  if (library_import_succeeds(dotted)) return nullptr;
  std::string relative = dotted;
  std::replace(relative.begin(), relative.end(), '.', '/');
  std::error_code ec;
  for (const fs::path& root : {run.project_dir, run.project_dir / "src"}) {
    if (!fs::is_directory(root / relative, ec)) continue;
    auto module = std::make_shared<LoadedModule>();
    module->name = dotted;
    module->file = run.display_path(root / relative);
    module->path = root / relative;
    module->is_package = true;
    module->executing = false;
    run.modules.emplace(dotted, module);
    return module;
  }
  return nullptr;
}

std::shared_ptr<LoadedModule> load_module(Evaluation& run, const std::string& dotted, const Origin& site,
                                          LoadStatus& status) {
  if (const auto it = run.modules.find(dotted); it != run.modules.end()) {
    status = it->second->executing ? LoadStatus::executing : LoadStatus::loaded;
    return it->second;
  }
  const auto file = resolve_module_file(run.project_dir, dotted);
  if (!file) {
    status = LoadStatus::not_found;
    return namespace_package(run, dotted);
  }
  if (run.import_stack.size() >= static_cast<std::size_t>(max_import_depth)) {
    status = LoadStatus::too_deep;
    report_once(run, "DPL002",
                "imports nest more than " + std::to_string(max_import_depth) + " modules deep (at " + dotted +
                    "); Python itself fails with RecursionError around this depth, and deployctl stops following them",
                site, "flatten the chain of settings modules importing each other");
    return nullptr;
  }
  // Python imports the parent packages first, running their __init__.py.
  for (std::size_t dot = dotted.find('.'); dot != std::string::npos; dot = dotted.find('.', dot + 1)) {
    LoadStatus ignored = LoadStatus::loaded;
    load_module(run, dotted.substr(0, dot), site, ignored);
  }
  if (const auto it = run.modules.find(dotted); it != run.modules.end()) {  // a parent's __init__ imported it
    status = it->second->executing ? LoadStatus::executing : LoadStatus::loaded;
    return it->second;
  }
  auto module = std::make_shared<LoadedModule>();
  module->name = dotted;
  module->path = *file;
  module->file = run.display_path(*file);
  module->is_package = file->filename() == "__init__.py";
  run.modules.emplace(dotted, module);
  const auto code = run.parse_file(*file, module->file, site);
  for (SourceFile& source : run.model.files)
    if (source.path == module->file && source.module.empty()) source.module = dotted;
  if (code) {
    run.import_stack.push_back(dotted);
    run_module_code(run, *module, *code);
    run.import_stack.pop_back();
  } else {
    mark_incomplete(*module, module->file + ", which deployctl could not read or parse");
  }
  module->executing = false;
  status = LoadStatus::loaded;
  return module;
}

ValuePtr module_object(const std::string& dotted, const Origin& origin) {
  return share(make_object("module", dotted, origin));
}

// The module cannot be imported: raise it for a try to catch; uncaught, it is a DPL003 problem.
ValuePtr missing_module(Frame& frame, const std::string& dotted, const Origin& origin, std::string why) {
  if (!frame.catches(PyException::module_not_found) && frame.uncertainty == 0)
    report_once(frame.run, "DPL003",
                "cannot import " + dotted + ": " + why + "; Django would fail to load the settings", origin,
                "create the module, fix the import, or wrap it in try/except ImportError if it is optional");
  // Uncaught on a path that may not run (`if os.path.exists(...): from .local import *`): that path would
  // fail to load the settings, so it ends here and the paths that load are the ones analysed.
  if (!frame.raise(PyException::module_not_found) && (frame.uncertainty > 0 || frame.call)) frame.ended = true;
  return unknown_value("cannot import " + dotted + " (ModuleNotFoundError)", origin);
}

// Imports `dotted` (absolute) for `import` statements and from-imports; the module object, or unknown.
// `project` is set to the loaded project module, if that is what it is.
ValuePtr import_dotted(Frame& frame, const std::string& dotted, const Origin& origin,
                       std::shared_ptr<LoadedModule>& project, bool& executing) {
  Evaluation& run = frame.run;
  executing = false;
  if (!run.project_dir.empty()) {
    LoadStatus status = LoadStatus::loaded;
    auto module = load_module(run, dotted, origin, status);
    if (status == LoadStatus::too_deep) return unknown_value("not followed: imports nest too deeply", origin);
    if (module && status != LoadStatus::not_found) {
      project = module;
      executing = status == LoadStatus::executing;
      return module_object(dotted, origin);
    }
    if (module) {  // a namespace package (a directory without __init__.py)
      project = module;
      return module_object(dotted, origin);
    }
    if (project_has_top_level(run, dotted))
      return missing_module(frame, dotted, origin, "the project has no such module");
  }
  if (!library_import_succeeds(dotted)) frame.may_raise(PyException::module_not_found);
  return library_module(dotted, origin);
}

void star_import(Frame& frame, LoadedModule& module, const Origin& origin) {
  const std::string import =
      "the star import from " + module.name + " at " + origin.file + ":" + std::to_string(origin.position.line);
  const Bindings& names = module.scope.changes();
  const ValuePtr all = module.scope.find("__all__");
  if (all && (all->kind == Kind::list || all->kind == Kind::tuple)) {
    for (const Value& item : all->items) {
      if (item.kind != Kind::string) {
        mark_incomplete(frame.module, import + ", whose __all__ holds a name deployctl does not know");
        continue;
      }
      if (const ValuePtr value = module.scope.find(item.text)) frame.bind(item.text, value);
    }
  } else {
    if (all) mark_incomplete(frame.module, import + ", whose __all__ deployctl does not know");
    for (const auto& [name, value] : names)
      if (value && !name.starts_with('_')) frame.bind(name, value);
  }
  if (!module.complete) mark_incomplete(frame.module, import + " (" + module.incomplete_because + ")");
}

std::string dotted_from(const py::ImportFrom& statement) {
  return std::string(static_cast<std::size_t>(std::max(statement.level, 0)), '.') + statement.module.value_or("");
}

}  // namespace

void execute_import(Frame& frame, const py::Import& statement, const py::Position& position) {
  (void)position;
  for (const py::Alias& alias : statement.names) {
    const Origin origin = frame.origin(alias.position);
    std::shared_ptr<LoadedModule> project;
    bool executing = false;
    const ValuePtr module = import_dotted(frame, alias.name, origin, project, executing);
    if (executing && !is_package_of(alias.name, frame.module.name)) report_cycle(frame.run, alias.name, origin);
    if (frame.raised || frame.ended) return;
    if (alias.asname) {
      frame.bind(*alias.asname, module);
      continue;
    }
    // `import a.b.c` binds `a`.
    const std::string top = alias.name.substr(0, alias.name.find('.'));
    frame.bind(top, module->is_known() ? module_object(top, origin) : module);
  }
}

void execute_import_from(Frame& frame, const py::ImportFrom& statement, const py::Position& position) {
  const Origin origin = frame.origin(position);
  const std::string written = dotted_from(statement);
  const bool star = !statement.names.empty() && statement.names.front().name == "*";
  const auto bind_all_unknown = [&](const std::string& reason) {
    if (star)
      mark_incomplete(frame.module, "the star import from " + written + " at " + origin.file + ":" +
                                        std::to_string(origin.position.line) + " (" + reason + ")");
    else
      for (const py::Alias& alias : statement.names)
        frame.bind(alias.asname.value_or(alias.name), unknown_value(reason, frame.origin(alias.position)));
  };

  std::optional<std::string> base;
  if (statement.level == 0)
    base = statement.module.value_or("");
  else if (frame.module.located && !frame.run.project_dir.empty())
    base = absolute_module_name(frame.module.name, frame.module.is_package, statement.level,
                                statement.module.value_or(""));
  else {
    // An in-memory module whose package is not known: the relative import may or may not work.
    frame.may_raise(PyException::import_error);
    return bind_all_unknown("from " + written + " import ...: the package of " + frame.file + " is not known");
  }
  if (!base) {
    ValuePtr failed = missing_module(frame, written, origin, "a relative import beyond the top-level package");
    if (frame.raised || frame.ended) return;
    return bind_all_unknown(failed->unknown_reason);
  }

  std::shared_ptr<LoadedModule> project;
  bool executing = false;
  const ValuePtr module = import_dotted(frame, *base, origin, project, executing);
  if (frame.raised || frame.ended) return;
  if (!module->is_known()) return bind_all_unknown(module->unknown_reason);

  if (!project) {  // a library module
    // `try: from local_settings import * except ImportError: pass` is the optional-override idiom: a module
    // that is neither in the project nor a library deployctl knows is absent here, and the handler runs.
    if (star && frame.catches(PyException::module_not_found) && !library_import_succeeds(*base)) {
      (void)missing_module(frame, *base, origin, "neither the project nor a library deployctl knows has it");
      return;
    }
    if (star) {
      mark_incomplete(frame.module, "the star import from " + *base + " at " + origin.file + ":" +
                                        std::to_string(origin.position.line) +
                                        ", a module outside the project whose names deployctl does not know");
      return;
    }
    for (const py::Alias& alias : statement.names)
      frame.bind(alias.asname.value_or(alias.name),
                 library_member(frame, module, alias.name, frame.origin(alias.position)));
    return;
  }

  if (star) {
    if (executing) report_cycle(frame.run, *base, origin);
    star_import(frame, *project, origin);
    return;
  }
  for (const py::Alias& alias : statement.names) {
    const Origin alias_origin = frame.origin(alias.position);
    const std::string target = alias.asname.value_or(alias.name);
    if (ValuePtr value = project->scope.find(alias.name)) {
      frame.bind(target, value);
      continue;
    }
    // `from package import submodule`
    const std::string submodule = *base + "." + alias.name;
    std::shared_ptr<LoadedModule> sub;
    bool sub_executing = false;
    if (resolve_module_file(frame.run.project_dir, submodule) || frame.run.modules.contains(submodule)) {
      const ValuePtr value = import_dotted(frame, submodule, alias_origin, sub, sub_executing);
      if (sub_executing && !is_package_of(submodule, frame.module.name))
        report_cycle(frame.run, submodule, alias_origin);
      frame.bind(target, value);
      continue;
    }
    if (executing) {
      report_cycle(frame.run, *base, alias_origin);
      frame.bind(target,
                 unknown_value("not yet defined: " + *base + " is still being imported (import cycle)", alias_origin));
      continue;
    }
    const std::string reason = "cannot import name '" + alias.name + "' from " + *base + " (ImportError)";
    if (project->complete)
      frame.raise(PyException::import_error);
    else
      frame.may_raise(PyException::import_error);
    if (frame.raised) return;
    frame.bind(target, unknown_value(reason, alias_origin));
  }
}

bool is_project_module(const Evaluation& run, const Value& value) {
  return object_category(value) == "module" && run.modules.contains(object_name(value));
}

ValuePtr project_member(Frame& frame, const Value& module, std::string_view attr, const Origin& origin) {
  const std::string name(object_name(module));
  const auto it = frame.run.modules.find(name);
  if (it == frame.run.modules.end()) return unknown_value("an unknown module", origin);
  const LoadedModule& loaded = *it->second;
  if (ValuePtr value = loaded.scope.find(attr)) return value;
  const std::string submodule = name + "." + std::string(attr);
  if (frame.run.modules.contains(submodule)) return module_object(submodule, origin);
  if (loaded.executing || !loaded.complete)
    return unknown_value(name + "." + std::string(attr) + " is not bound (yet)", origin);
  return raise_unknown(frame, PyException::attribute_error,
                       "module " + name + " has no attribute " + std::string(attr) + " (AttributeError)", origin);
}

void run_module_code(Evaluation& run, LoadedModule& module, const py::Module& code) {
  Frame frame(run, module, module.file, module.path, &module.scope);
  const Origin origin{module.file, {}};
  frame.bind("__file__", share(Value::from_string(module.path.string(), origin)));
  frame.bind("__name__", share(Value::from_string(module.name, origin)));
  const std::string package =
      module.is_package ? module.name : module.name.substr(0, std::min(module.name.rfind('.'), module.name.size()));
  frame.bind("__package__",
             share(Value::from_string(
                 module.name.find('.') == std::string::npos && !module.is_package ? std::string() : package, origin)));
  frame.bind("__doc__", share(Value::none(origin)));
  execute_block(frame, code.body);
}

}  // namespace deployctl::checks::settings::eval
