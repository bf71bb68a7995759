// `deployctl check`: its flags, their merge over [check] in deployctl.toml (a flag given replaces the key),
// then one call to checks::check_project and one reporter.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <memory>
#include <optional>

#include "checks/check_project.hpp"
#include "checks/report/report.hpp"
#include "cli/command.hpp"
#include "core/config.hpp"
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
  struct {
    CLI::Option* settings = nullptr;
    CLI::Option* env_files = nullptr;
    CLI::Option* env = nullptr;
    CLI::Option* format = nullptr;
    CLI::Option* fail_on = nullptr;
    CLI::Option* select = nullptr;
    CLI::Option* ignore = nullptr;
    CLI::Option* severity = nullptr;
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
};

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
                          did_you_mean(format->value, checks::report::format_names()) + " Formats: text, json.");
  }
  return plan;
}

int run_check(const CheckFlags& flags, const Io& io) {
  // The project dir first: the config is looked up from it, and a typo there should be named as such.
  value_or_throw(checks::validate_project_dir(flags.project_dir));
  const std::optional<ProjectConfig> config = value_or_throw(find_project_config(flags.project_dir));
  const CheckPlan checked = plan(flags, config);

  const checks::CheckResult result = value_or_throw(checks::check_project(checked.options));

  const checks::report::Report report{result.findings, result.summary, result.model.files, flags.project_dir};
  const checks::report::ReportOptions options{checks::report::use_color(io.out_is_terminal, std::getenv("NO_COLOR"))};
  checked.format->write(io.out, report, options);
  return static_cast<int>(result.summary.reaches(checked.fail_on) ? ExitCode::findings : ExitCode::ok);
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
  flags->given.format = app.add_option("--format", flags->format, "Output format: text (default) or json")
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
  app.footer(
      "Flags override the [check] table of deployctl.toml (or [tool.deployctl.check] in pyproject.toml), whose keys "
      "are the flags' names.\nExit status: 0 nothing at or above --fail-on, 1 something is, 2 deployctl could not "
      "run.");
  return [flags, &io] { return run_check(*flags, io); };
}

}  // namespace deployctl::cli
