// `deployctl check`: its flags, their merge over [check] in deployctl.toml (a flag given replaces the key),
// then one call to checks::check_project and one reporter.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>

#include "checks/baseline.hpp"
#include "checks/check_project.hpp"
#include "checks/report/report.hpp"
#include "cli/command.hpp"
#include "core/config.hpp"
#include "core/files.hpp"
#include "core/suggest.hpp"

namespace deployctl::cli {

namespace {

using checks::Severity;

// The flags as given on the command line; `given` tells which were, since an absent flag defers to the config.
struct CheckFlags {
  std::string project_dir = ".";
  std::string settings;
  std::vector<std::string> env_files;
  std::vector<std::string> env;
  std::string format;
  std::string fail_on;
  std::vector<std::string> select;
  std::vector<std::string> ignore;
  std::vector<std::string> severity;
  // Everyday switches (output and exit status; see report_result).
  std::string output;
  bool statistics = false;
  bool quiet = false;
  bool exit_zero = false;
  bool show_source = true;
  std::string baseline;
  std::string write_baseline;
  // Git awareness and the runtime mode (see plan_git_and_runtime).
  bool no_git = false;
  bool all_paths = false;
  std::string new_since;
  bool django = false;
  struct {
    CLI::Option* settings = nullptr;
    CLI::Option* env_files = nullptr;
    CLI::Option* env = nullptr;
    CLI::Option* format = nullptr;
    CLI::Option* fail_on = nullptr;
    CLI::Option* select = nullptr;
    CLI::Option* ignore = nullptr;
    CLI::Option* severity = nullptr;
    CLI::Option* output = nullptr;
    CLI::Option* statistics = nullptr;
    CLI::Option* quiet = nullptr;
    CLI::Option* exit_zero = nullptr;
    CLI::Option* show_source = nullptr;
    CLI::Option* baseline = nullptr;
    CLI::Option* write_baseline = nullptr;
    CLI::Option* no_git = nullptr;
    CLI::Option* all_paths = nullptr;
    CLI::Option* new_since = nullptr;
    CLI::Option* django = nullptr;
  } given;
};

// A value with where it came from: "--select" or "deployctl.toml:4:10: select", for error messages.
struct Sourced {
  std::string value;
  std::string source;
};

const std::vector<std::string> level_names = {"error", "warning", "info"};

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<Sourced> from_flag(const std::vector<std::string>& values, std::string_view flag) {
  std::vector<Sourced> sourced;
  for (const std::string& value : values) sourced.push_back({std::string(trim(value)), std::string(flag)});
  return sourced;
}

std::vector<Sourced> from_config(const std::vector<ConfigString>& values, std::string_view key) {
  std::vector<Sourced> sourced;
  for (const ConfigString& value : values)
    sourced.push_back({std::string(trim(value.value)), value.where.to_string() + ": " + std::string(key)});
  return sourced;
}

// The flag's values when it was given, else the config key's, else nothing.
std::vector<Sourced> pick(const CLI::Option* flag_option, const std::vector<std::string>& flag_values,
                          std::string_view flag, const std::optional<std::vector<ConfigString>>& config_values,
                          std::string_view key) {
  if (flag_option->count() > 0) return from_flag(flag_values, flag);
  if (config_values) return from_config(*config_values, key);
  return {};
}

std::optional<Sourced> pick(const CLI::Option* flag_option, const std::string& flag_value, std::string_view flag,
                            const std::optional<ConfigString>& config_value, std::string_view key) {
  if (flag_option->count() > 0) return Sourced{flag_value, std::string(flag)};
  if (config_value) return Sourced{config_value->value, config_value->where.to_string() + ": " + std::string(key)};
  return std::nullopt;
}

bool pick(const CLI::Option* flag_option, bool flag_value, const std::optional<ConfigBool>& config_value,
          bool fallback) {
  if (flag_option->count() > 0) return flag_value;
  return config_value ? config_value->value : fallback;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

[[noreturn]] void reject(const Sourced& item, const std::string& problem) {
  throw Failure(item.source + ": " + problem);
}

Severity parse_level(const Sourced& item) {
  if (const auto level = checks::parse_severity(item.value)) return *level;
  reject(item, "unknown severity '" + item.value + "', expected error, warning or info." +
                   did_you_mean(item.value, level_names));
}

std::vector<std::string> rule_patterns(const std::vector<Sourced>& items) {
  std::vector<std::string> patterns;
  for (const Sourced& item : items) {
    if (auto valid = checks::validate_rule_pattern(item.value); !valid) reject(item, valid.error().message);
    patterns.push_back(item.value);
  }
  return patterns;
}

// Severity overrides: `RULE=LEVEL` from the flag, or the [check.severity] table.
std::vector<std::pair<std::string, Severity>> severity_overrides(const CheckFlags& flags,
                                                                  const std::optional<ProjectConfig>& config) {
  std::vector<std::pair<std::string, Severity>> overrides;
  const auto add = [&](const Sourced& rule, const Sourced& level) {
    if (auto valid = checks::validate_rule_pattern(rule.value); !valid) reject(rule, valid.error().message);
    overrides.emplace_back(rule.value, parse_level(level));
  };
  if (flags.given.severity->count() > 0) {
    for (const Sourced& item : from_flag(flags.severity, "--severity")) {
      const std::size_t equals = item.value.find('=');
      if (equals == std::string::npos) reject(item, "expected RULE=LEVEL, e.g. DJ018=error, got '" + item.value + "'");
      add({std::string(trim(item.value.substr(0, equals))), item.source},
          {std::string(trim(item.value.substr(equals + 1))), item.source});
    }
  } else if (config && config->check.severity) {
    for (const ConfigEntry& entry : *config->check.severity)
      add({entry.key.value, entry.key.where.to_string() + ": severity"},
          {entry.value.value, entry.value.where.to_string() + ": severity"});
  }
  return overrides;
}

// What the flags and the config decide, checked: every bad value is reported with where it was written.
struct CheckPlan {
  checks::CheckOptions options;
  const checks::report::Format* format = nullptr;
  Severity fail_on = Severity::warning;
  // Everyday switches; paths from the config are already absolute.
  std::optional<std::filesystem::path> output;
  std::optional<std::filesystem::path> baseline;
  std::optional<std::filesystem::path> write_baseline;
  bool statistics = false;
  bool quiet = false;
  bool exit_zero = false;
  bool show_source = true;
};

// The everyday switches' part of plan().
void plan_switches(const CheckFlags& flags, const CheckConfig& keys, CheckPlan& plan) {
  if (auto output = pick(flags.given.output, flags.output, "--output", keys.output, "output"))
    plan.output = output->value;
  if (auto baseline = pick(flags.given.baseline, flags.baseline, "--baseline", keys.baseline, "baseline"))
    plan.baseline = baseline->value;
  if (auto write = pick(flags.given.write_baseline, flags.write_baseline, "--write-baseline", keys.write_baseline,
                        "write-baseline"))
    plan.write_baseline = write->value;
  plan.statistics = pick(flags.given.statistics, flags.statistics, keys.statistics, false);
  plan.quiet = pick(flags.given.quiet, flags.quiet, keys.quiet, false);
  plan.exit_zero = pick(flags.given.exit_zero, flags.exit_zero, keys.exit_zero, false);
  plan.show_source = pick(flags.given.show_source, flags.show_source, keys.show_source, true);
  if (plan.statistics && !plan.output && plan.format->name != "text")
    throw Failure("--statistics prints a table on standard output, which would break the " +
                  std::string(plan.format->name) + " report there: add --output FILE for the report, or use --format text");
}

// --no-git, --all-paths, --new-since and --django: what plan() hands to check_project beyond the settings.
void plan_git_and_runtime(const CheckFlags& flags, const CheckConfig& keys, CheckPlan& plan) {
  plan.options.repository_checks = !pick(flags.given.no_git, flags.no_git, keys.no_git, false);
  plan.options.all_paths = pick(flags.given.all_paths, flags.all_paths, keys.all_paths, false);
  plan.options.django_runtime = pick(flags.given.django, flags.django, keys.django, false);
  if (auto since = pick(flags.given.new_since, flags.new_since, "--new-since", keys.new_since, "new-since")) {
    if (trim(since->value).empty()) reject(*since, "expected a git revision, e.g. origin/main, got an empty one");
    plan.options.new_since = std::string(trim(since->value));
  }
}

CheckPlan plan(const CheckFlags& flags, const std::optional<ProjectConfig>& config) {
  const CheckConfig empty;
  const CheckConfig& keys = config ? config->check : empty;
  CheckPlan plan;
  plan.options.project_dir = flags.project_dir;

  if (flags.given.settings->count() > 0) plan.options.settings_module = std::string(trim(flags.settings));
  if (keys.settings) plan.options.config_settings = keys.settings->value;
  if (config) plan.options.config_name = config->description();
  for (const Sourced& file : pick(flags.given.env_files, flags.env_files, "--env-file", keys.env_files, "env-file"))
    plan.options.env_files.emplace_back(file.value);
  for (const Sourced& assignment : pick(flags.given.env, flags.env, "--env", keys.env, "env")) {
    if (assignment.value.find('=') == std::string::npos || assignment.value.front() == '=')
      reject(assignment, "expected KEY=VALUE, got an assignment without a name or '='");
    plan.options.env.push_back(assignment.value);
  }
  plan.options.rules.select = rule_patterns(pick(flags.given.select, flags.select, "--select", keys.select, "select"));
  plan.options.rules.ignore = rule_patterns(pick(flags.given.ignore, flags.ignore, "--ignore", keys.ignore, "ignore"));
  plan.options.rules.severity = severity_overrides(flags, config);

  if (auto fail_on = pick(flags.given.fail_on, flags.fail_on, "--fail-on", keys.fail_on, "fail-on"))
    plan.fail_on = parse_level(*fail_on);

  plan.format = checks::report::find_format("text");
  if (auto format = pick(flags.given.format, flags.format, "--format", keys.format, "format")) {
    plan.format = checks::report::find_format(format->value);
    if (plan.format == nullptr)
      reject(*format, "unknown format '" + format->value + "'." +
                          did_you_mean(format->value, checks::report::format_names()) +
                          " Formats: " + join_names(checks::report::format_names()) + ".");
  }
  plan_switches(flags, keys, plan);
  plan_git_and_runtime(flags, keys, plan);
  return plan;
}

// --write-baseline replaces the report: it records every current finding (--baseline does not apply) and exits 0.
int write_baseline_instead(const std::filesystem::path& file, const checks::CheckResult& result, const CheckPlan& plan,
                           const Io& io) {
  value_or_throw(checks::write_baseline(file, result.findings, result.model.files));
  if (!plan.quiet)
    io.out << "Wrote a baseline of " << result.findings.size() << (result.findings.size() == 1 ? " finding" : " findings")
           << " to " << file.generic_string() << ".\n";
  return static_cast<int>(ExitCode::ok);
}

void list_stale(const std::vector<checks::BaselineEntry>& stale, const std::filesystem::path& file, const Io& io) {
  io.err << "deployctl: " << stale.size() << (stale.size() == 1 ? " entry" : " entries") << " of the baseline "
         << file.generic_string() << " no longer match a finding (fixed or changed); prune with --write-baseline:\n";
  for (const checks::BaselineEntry& entry : stale) {
    io.err << "  " << entry.rule << ' ' << entry.file;
    if (!entry.setting.empty()) io.err << " (" << entry.setting << ')';
    if (!entry.snippet.empty()) io.err << ": " << entry.snippet;
    io.err << '\n';
  }
}

// Baseline, report (to --output or stdout), statistics and the exit status: everything after the analysis.
int report_result(const CheckPlan& plan, const CheckFlags& flags, checks::CheckResult result, const Io& io) {
  if (plan.write_baseline) return write_baseline_instead(*plan.write_baseline, result, plan, io);
  if (plan.baseline) {
    const checks::Baseline baseline = value_or_throw(checks::read_baseline(*plan.baseline));
    checks::BaselineResult kept = checks::apply_baseline(baseline, std::move(result.findings), result.model.files);
    result.findings = std::move(kept.findings);
    const int suppressed = result.summary.suppressed;
    result.summary = checks::Summary::of(result.findings, suppressed);
    result.summary.baselined = kept.baselined;
    if (!kept.stale.empty() && !plan.quiet) list_stale(kept.stale, *plan.baseline, io);
  }

  const checks::report::Report report{result.findings, result.summary, result.model.files, flags.project_dir,
                                      checks::report::repository_path_of(flags.project_dir)};
  checks::report::ReportOptions options;
  options.color = !plan.output && checks::report::use_color(io.out_is_terminal, std::getenv("NO_COLOR"));
  options.show_source = plan.show_source;
  options.quiet = plan.quiet;
  options.statistics = plan.statistics && plan.format->name == "text";
  if (plan.output) {
    std::ostringstream rendered;
    plan.format->write(rendered, report, options);
    value_or_throw(write_file_atomically(*plan.output, rendered.str()));
    if (plan.statistics && plan.format->name != "text") checks::report::write_statistics(io.out, report, options);
  } else {
    plan.format->write(io.out, report, options);
  }
  if (plan.exit_zero) return static_cast<int>(ExitCode::ok);
  return static_cast<int>(result.summary.reaches(plan.fail_on) ? ExitCode::findings : ExitCode::ok);
}

int run_check(const CheckFlags& flags, const Io& io) {
  // The project dir first: the config is looked up from it, and a typo there should be named as such.
  value_or_throw(checks::validate_project_dir(flags.project_dir));
  const std::optional<ProjectConfig> config = value_or_throw(find_project_config(flags.project_dir));
  const CheckPlan checked = plan(flags, config);

  checks::CheckResult result = value_or_throw(checks::check_project(checked.options));
  for (const std::string& warning : result.warnings) io.err << "deployctl: warning: " << warning << '\n';

  return report_result(checked, flags, std::move(result), io);
}

}  // namespace

Action declare_check_command(CLI::App& app, const Io& io) {
  auto flags = std::make_shared<CheckFlags>();
  app.add_option("PROJECT_DIR", flags->project_dir, "The Django project's directory (default: the current one)");
  flags->given.settings =
      app.add_option("--settings", flags->settings, "Settings module to check, e.g. mysite.settings (default: found "
                                                    "from manage.py, wsgi.py or asgi.py)")
          ->type_name("MODULE")
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  flags->given.env_files =
      app.add_option("--env-file", flags->env_files, "Read environment variables from a dotenv file (repeatable)")
          ->type_name("FILE");
  flags->given.env =
      app.add_option("--env", flags->env, "Set an environment variable for the analysis (repeatable)")
          ->type_name("KEY=VALUE");
  flags->given.format = app.add_option("--format", flags->format,
                                       "Output format: " + join_names(checks::report::format_names()) +
                                           " (default: text)")
                            ->type_name("FORMAT")
                            ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  flags->given.fail_on =
      app.add_option("--fail-on", flags->fail_on, "Exit 1 when a finding is at this severity or above: error, "
                                                  "warning (default) or info")
          ->type_name("LEVEL")
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  flags->given.select =
      app.add_option("--select", flags->select, "Only these rules: comma-separated ids or prefixes, e.g. DJ,SK001")
          ->type_name("RULES")
          ->delimiter(',');
  flags->given.ignore =
      app.add_option("--ignore", flags->ignore, "Skip these rules: comma-separated ids or prefixes")
          ->type_name("RULES")
          ->delimiter(',');
  flags->given.severity =
      app.add_option("--severity", flags->severity, "Override a rule's severity, e.g. DJ018=error (repeatable)")
          ->type_name("RULE=LEVEL")
          ->delimiter(',');
  flags->given.output =
      app.add_option("--output", flags->output, "Write the report to FILE (atomically) instead of standard output")
          ->type_name("FILE")
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  flags->given.statistics =
      app.add_flag("--statistics", flags->statistics, "Count findings per rule instead of listing them (text)");
  flags->given.quiet =
      app.add_flag("--quiet,-q", flags->quiet, "Print findings only: no summary line, no notes");
  flags->given.exit_zero =
      app.add_flag("--exit-zero", flags->exit_zero, "Exit 0 even when there are findings (2 still means a failure)");
  flags->given.show_source =
      app.add_flag("--show-source,!--no-show-source", flags->show_source,
                   "Show (default) or hide the source line under each finding (text)");
  flags->given.baseline =
      app.add_option("--baseline", flags->baseline, "Report only findings not recorded in this baseline file, and "
                                                    "list its entries that no longer match")
          ->type_name("FILE")
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  flags->given.write_baseline =
      app.add_option("--write-baseline", flags->write_baseline,
                     "Record every current finding in FILE (atomically) instead of reporting; exits 0")
          ->type_name("FILE")
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  flags->given.no_git = app.add_flag("--no-git", flags->no_git,
                                     "Skip the repository checks (GIT rules: tracked env files and keys, secrets in "
                                     "the history, .gitignore coverage)");
  flags->given.all_paths = app.add_flag("--all-paths", flags->all_paths,
                                        "Scan every file of the git history for secrets, not only settings-like paths");
  flags->given.new_since =
      app.add_option("--new-since", flags->new_since, "Report only findings that are new since this git revision "
                                                      "(the settings at REF are read from git, not checked out)")
          ->type_name("REF")
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  flags->given.django = app.add_flag("--django", flags->django,
                                     "Also import the settings and run Django's own system checks (needs the "
                                     "project's dependencies installed); the static analysis stays the default");
  app.footer(
      "Flags override the [check] table of deployctl.toml (or [tool.deployctl.check] in pyproject.toml), whose keys "
      "are the flags' names.\nExit status: 0 nothing at or above --fail-on, 1 something is, 2 deployctl could not "
      "run.");
  return [flags, &io] { return run_check(*flags, io); };
}

}  // namespace deployctl::cli
