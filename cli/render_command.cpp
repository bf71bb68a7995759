// `deployctl render`: targets and flags, merged over [deploy]/[render] of deployctl.toml (--set wins), the
// settings analysis of `deployctl check`, then printing, writing (atomically), --check or --diff.
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <ostream>

#include "checks/check_project.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "core/config.hpp"
#include "core/files.hpp"
#include "core/options.hpp"
#include "core/suggest.hpp"
#include "generators/deploy_overrides.hpp"
#include "generators/render.hpp"
#include "generators/settings_facts.hpp"
#include "generators/unified_diff.hpp"

namespace deployctl::cli {

namespace {

namespace fs = std::filesystem;
namespace gen = deployctl::generators;

struct RenderFlags {
  std::vector<std::string> positionals;  // TARGET... [PROJECT_DIR]
  std::string config;
  std::vector<std::string> sets;
  std::string out;
  std::string templates;
  bool check = false;
  bool diff = false;
  bool list = false;
  bool eject = false;
};

std::string shell_quote(const std::string& word) {
  if (!word.empty() &&
      word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@+") ==
          std::string::npos)
    return word;
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Targets are the positionals that name one; a single other positional is the project directory.
void split_positionals(const RenderFlags& flags, std::vector<std::string>& target_names, std::string& project_dir) {
  const auto known = gen::target_names();
  std::vector<std::string> others;
  for (const std::string& word : flags.positionals) {
    if (std::ranges::find(known, word) != known.end())
      target_names.push_back(word);
    else
      others.push_back(word);
  }
  for (const std::string& word : others) {
    std::error_code ec;
    const bool is_dir = fs::is_directory(word, ec);
    if (!is_dir || others.size() > 1 || target_names.empty()) {
      if (is_dir && target_names.empty())
        throw Failure("render: name a target before the project directory; run 'deployctl render --list' for them");
      throw Failure("render: unknown target '" + word + "'." + did_you_mean(word, known) +
                    " Run 'deployctl render --list' for the targets.");
    }
    project_dir = word;
  }
  if (target_names.empty()) throw Failure("render: name a target; run 'deployctl render --list' for them");
}

std::optional<ProjectConfig> load_config(const RenderFlags& flags, const std::string& project_dir) {
  if (!flags.config.empty()) {
    const bool pyproject = fs::path(flags.config).filename() == "pyproject.toml";
    return value_or_throw(load_project_config(flags.config, pyproject));
  }
  return value_or_throw(find_project_config(project_dir));
}

std::optional<fs::path> templates_dir(const RenderFlags& flags, const ProjectConfig& config) {
  if (!flags.templates.empty()) return fs::path(flags.templates);
  if (config.render.templates) return config.directory() / config.render.templates->value;
  return std::nullopt;
}

int list_targets(const Io& io) {
  std::size_t width = 3;
  for (const auto& target : gen::targets()) width = std::max(width, target.name.size());
  for (const auto& target : gen::targets())
    io.out << target.name << std::string(width - target.name.size() + 2, ' ') << target.summary << "\n";
  io.out << "all" << std::string(width - 1, ' ') << "every target above that applies to the project (needs --out)\n";
  return static_cast<int>(ExitCode::ok);
}

int eject(const std::vector<const gen::Target*>& chosen, const std::optional<fs::path>& destination, const Io& io) {
  if (!destination)
    throw Failure("render --eject: say where the templates go with --templates DIR (or [render] templates)");
  std::error_code ec;
  fs::create_directories(*destination, ec);
  if (ec) throw Failure("render --eject: cannot create " + destination->string() + ": " + ec.message());
  for (const gen::Target* target : chosen) {
    for (const std::string& name : gen::target_template_names(*target)) {
      const fs::path path = *destination / name;
      const std::string text = value_or_throw(gen::builtin_template_text(name));
      if (fs::exists(path, ec)) {
        io.out << "kept " << path.string() << " (exists; delete it to eject the built-in one again)\n";
        continue;
      }
      value_or_throw(write_file_atomically(path, text));
      io.out << "ejected " << path.string() << "\n";
    }
  }
  return static_cast<int>(ExitCode::ok);
}

std::optional<std::string> read_existing(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  auto text = read_text_file(path);
  if (!text) return std::nullopt;
  return std::move(*text);
}

bool mode_differs(const fs::path& path, fs::perms mode) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  return !ec && (status.permissions() & fs::perms::mask) != mode;
}

int compare(const std::vector<gen::RenderedFile>& files, const fs::path& out, bool show_diff, const Io& io) {
  int differences = 0;
  for (const auto& file : files) {
    const fs::path path = out / file.path;
    const auto existing = read_existing(path);
    if (existing == file.content && !mode_differs(path, file.mode)) continue;
    ++differences;
    if (show_diff) {
      io.out << gen::unified_diff(existing.value_or(""), file.content, existing ? path.string() : "/dev/null",
                                  path.string() + " (rendered)");
      if (existing == file.content) io.out << path.string() << ": mode differs\n";
    } else {
      io.err << "render --check: " << path.string()
             << (existing ? (existing == file.content ? " has the wrong mode" : " differs from what would be rendered")
                          : " is missing")
             << "\n";
    }
  }
  if (differences && !show_diff)
    io.err << "render --check: " << differences << " file(s) out of date; run the command without --check\n";
  return static_cast<int>(differences ? ExitCode::findings : ExitCode::ok);
}

int write_all(const std::vector<gen::RenderedFile>& files, const fs::path& out, const Io& io) {
  // Refuse early when --out cannot be written, so nothing is written at all.
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec || ::access(out.c_str(), W_OK) != 0)
    throw Failure("render: cannot write to --out " + out.string() + (ec ? ": " + ec.message() : ": permission denied"));
  int changed = 0;
  for (const auto& file : files) {
    const fs::path path = out / file.path;
    const auto existing = read_existing(path);
    if (existing == file.content && !mode_differs(path, file.mode)) {
      io.out << "  unchanged " << file.path << "\n";
      continue;
    }
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw Failure("render: cannot create " + path.parent_path().string() + ": " + ec.message());
    value_or_throw(write_file_atomically(path, file.content, file.mode));
    ++changed;
    io.out << (existing ? "  updated   " : "  created   ") << file.path << "\n";
  }
  io.out << "render: " << changed << " of " << files.size() << " file(s) changed in " << out.string() << "\n";
  return static_cast<int>(ExitCode::ok);
}

int run_render(const RenderFlags& flags, const Io& io) {
  if (flags.list) return list_targets(io);
  std::vector<std::string> names;
  std::string project_dir = ".";
  split_positionals(flags, names, project_dir);
  if ((flags.check || flags.diff) && flags.out.empty())
    throw Failure("render: --check and --diff compare with the files in --out DIR; pass --out");

  value_or_throw(checks::validate_project_dir(project_dir));
  std::optional<ProjectConfig> found = load_config(flags, project_dir);
  ProjectConfig config = found ? std::move(*found) : ProjectConfig{};
  for (const std::string& assignment : flags.sets) value_or_throw(gen::apply_override(config, assignment));

  const bool everything = std::ranges::find(names, "all") != names.end();
  std::vector<const gen::Target*> chosen;
  for (const auto& target : gen::targets())
    if (everything || std::ranges::find(names, target.name) != names.end()) chosen.push_back(&target);
  if (flags.eject) return eject(chosen, templates_dir(flags, config), io);
  if ((everything || chosen.size() > 1) && flags.out.empty())
    throw Failure("render: several targets write several files; pass --out DIR");

  checks::CheckOptions options;
  options.project_dir = project_dir;
  if (found) {
    options.config_name = config.description();
    if (config.check.settings) options.config_settings = config.check.settings->value;
    if (config.check.env_files)
      for (const auto& file : *config.check.env_files) options.env_files.emplace_back(file.value);
    if (config.check.env)
      for (const auto& assignment : *config.check.env) options.env.push_back(assignment.value);
  }
  const checks::CheckResult check = value_or_throw(checks::check_project(options));

  gen::RenderInputs inputs;
  inputs.deploy = config.deploy;
  inputs.serve = config.serve;
  inputs.facts = gen::extract_settings_facts(check);
  inputs.templates_dir = templates_dir(flags, config);
  inputs.config_name = found ? config.description() : "deployctl.toml";
  std::string args = project_dir == "." ? "" : shell_quote(project_dir);
  const auto add_arg = [&](const std::string& flag, const std::string& value) {
    args += (args.empty() ? "" : " ") + flag + " " + shell_quote(value);
  };
  if (!flags.config.empty()) add_arg("--config", flags.config);
  for (const auto& assignment : flags.sets) add_arg("--set", assignment);
  if (!flags.templates.empty()) add_arg("--templates", flags.templates);
  inputs.regenerate_args = args;

  // Everything is rendered in memory first: one failing target leaves no file written.
  std::vector<gen::RenderedFile> files;
  std::string errors;
  for (const gen::Target* target : chosen) {
    if (everything && !target->applies(inputs)) continue;
    auto rendered = gen::render_target(*target, inputs);
    if (!rendered) {
      errors += (errors.empty() ? "" : "\n") + rendered.error().message;
      continue;
    }
    files.insert(files.end(), rendered->begin(), rendered->end());
  }
  if (!errors.empty()) throw Failure(errors);

  if (flags.out.empty()) {
    for (const auto& file : files) {
      if (files.size() > 1) io.out << "==> " << file.path << " <==\n";
      io.out << file.content;
      if (files.size() > 1 && &file != &files.back()) io.out << "\n";
    }
    return static_cast<int>(ExitCode::ok);
  }
  if (flags.check || flags.diff) return compare(files, flags.out, flags.diff, io);
  return write_all(files, flags.out, io);
}

// The command body reads plain values; the table's members say whether each was given.
RenderFlags flags_of(const RenderConfig& given) {
  const auto text = [](const std::optional<ConfigString>& value) { return value ? value->value : std::string(); };
  const auto texts = [](const std::optional<std::vector<ConfigString>>& values) {
    std::vector<std::string> out;
    if (values)
      for (const ConfigString& value : *values) out.push_back(value.value);
    return out;
  };
  const auto on = [](const std::optional<ConfigBool>& value) { return value && value->value; };
  return {texts(given.targets), text(given.config), texts(given.sets), text(given.out), text(given.templates),
          on(given.check),      on(given.diff),     on(given.list),    on(given.eject)};
}

}  // namespace

Action declare_render_command(CLI::App& app, const Io& io) {
  auto given = std::make_shared<RenderConfig>();
  declare_options(app, render_options(), *given);
  return [given, &io] { return run_render(flags_of(*given), io); };
}

}  // namespace deployctl::cli
