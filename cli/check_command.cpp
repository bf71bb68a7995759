// `deployctl check`: its options (core/options/check_options.cpp) from flags over [check] in deployctl.toml (a flag
// given replaces the key), then one call to checks::check_project and one reporter.
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>

#include "checks/check_project.hpp"
#include "checks/findings/baseline.hpp"
#include "checks/report/report.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "core/config.hpp"
#include "core/files.hpp"
#include "core/options.hpp"
#include "core/suggest.hpp"

namespace deployctl::cli {

namespace {

using checks::Severity;

const std::vector<std::string> level_names = {"error", "warning", "info"};

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// A value with where it came from: "--select: ..." or "deployctl.toml:4:10: select: ...".
[[noreturn]] void reject(const ConfigString& item, std::string_view key, const std::string& problem) {
  throw Failure(item.where.describe(key) + ": " + problem);
}

Severity parse_level(const ConfigString& item, std::string_view key) {
  if (const auto level = checks::parse_severity(std::string(trim(item.value)))) return *level;
  reject(item, key,
         "unknown severity '" + item.value + "', expected error, warning or info." +
             did_you_mean(item.value, level_names));
}

std::vector<std::string> rule_patterns(const std::optional<std::vector<ConfigString>>& items, std::string_view key) {
  std::vector<std::string> patterns;
  if (!items) return patterns;
  for (const ConfigString& item : *items) {
    const std::string pattern(trim(item.value));
    if (auto valid = checks::validate_rule_pattern(pattern); !valid) reject(item, key, valid.error().message);
    patterns.push_back(pattern);
  }
  return patterns;
}

// Severity overrides: `RULE=LEVEL` from the flag, or the [check.severity] table.
std::vector<std::pair<std::string, Severity>> severity_overrides(const CheckConfig& values) {
  std::vector<std::pair<std::string, Severity>> overrides;
  if (!values.severity) return overrides;
  for (const ConfigEntry& entry : *values.severity) {
    const ConfigString rule{std::string(trim(entry.key.value)), entry.key.where};
    if (auto valid = checks::validate_rule_pattern(rule.value); !valid) reject(rule, "severity", valid.error().message);
    overrides.emplace_back(rule.value, parse_level(entry.value, "severity"));
  }
  return overrides;
}

bool switched_on(const std::optional<ConfigBool>& value) { return value && value->value; }

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
void plan_switches(const CheckConfig& values, CheckPlan& plan) {
  if (values.output) plan.output = values.output->value;
  if (values.baseline) plan.baseline = values.baseline->value;
  if (values.write_baseline) plan.write_baseline = values.write_baseline->value;
  plan.statistics = switched_on(values.statistics);
  plan.quiet = switched_on(values.quiet);
  plan.exit_zero = switched_on(values.exit_zero);
  plan.show_source = switched_on(values.show_source);
  if (plan.statistics && !plan.output && plan.format->name != "text")
    throw Failure("--statistics prints a table on standard output, which would break the " +
                  std::string(plan.format->name) +
                  " report there: add --output FILE for the report, or use --format text");
}

// --no-git, --all-paths, --new-since and --django: what plan() hands to check_project beyond the settings.
void plan_git_and_runtime(const CheckConfig& values, CheckPlan& plan) {
  plan.options.repository_checks = !switched_on(values.no_git);
  plan.options.all_paths = switched_on(values.all_paths);
  plan.options.django_runtime = switched_on(values.django);
  if (values.new_since) {
    if (trim(values.new_since->value).empty())
      reject(*values.new_since, "new-since", "expected a git revision, e.g. origin/main, got an empty one");
    plan.options.new_since = std::string(trim(values.new_since->value));
  }
}

CheckPlan plan(const CheckConfig& given, const std::optional<ProjectConfig>& config) {
  CheckConfig values = merge_options(check_options(), config ? config->check : CheckConfig{}, given);
  apply_defaults(check_options(), values);
  CheckPlan plan;
  plan.options.project_dir = values.project_dir->value;

  if (given.settings) plan.options.settings_module = std::string(trim(given.settings->value));
  if (config && config->check.settings) plan.options.config_settings = config->check.settings->value;
  if (config) plan.options.config_name = config->description();
  if (values.env_files)
    for (const ConfigString& file : *values.env_files) plan.options.env_files.emplace_back(trim(file.value));
  if (values.env) {
    for (const ConfigString& assignment : *values.env) {
      const std::string text(trim(assignment.value));
      if (text.find('=') == std::string::npos || text.front() == '=')
        reject(assignment, "env", "expected KEY=VALUE, got an assignment without a name or '='");
      plan.options.env.push_back(text);
    }
  }
  plan.options.rules.select = rule_patterns(values.select, "select");
  plan.options.rules.ignore = rule_patterns(values.ignore, "ignore");
  plan.options.rules.severity = severity_overrides(values);
  plan.fail_on = parse_level(*values.fail_on, "fail-on");

  plan.format = checks::report::find_format(std::string(trim(values.format->value)));
  if (plan.format == nullptr)
    reject(*values.format, "format",
           "unknown format '" + values.format->value + "'." +
               did_you_mean(values.format->value, checks::report::format_names()) +
               " Formats: " + join_names(checks::report::format_names()) + ".");
  plan_switches(values, plan);
  plan_git_and_runtime(values, plan);
  return plan;
}

// --write-baseline replaces the report: it records every current finding (--baseline does not apply) and exits 0.
int write_baseline_instead(const std::filesystem::path& file, const checks::CheckResult& result, const CheckPlan& plan,
                           const Io& io) {
  value_or_throw(checks::write_baseline(file, result.findings, result.model.files));
  if (!plan.quiet)
    io.out << "Wrote a baseline of " << result.findings.size()
           << (result.findings.size() == 1 ? " finding" : " findings") << " to " << file.generic_string() << ".\n";
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
int report_result(const CheckPlan& plan, checks::CheckResult result, const Io& io) {
  if (plan.write_baseline) return write_baseline_instead(*plan.write_baseline, result, plan, io);
  if (plan.baseline) {
    const checks::Baseline baseline = value_or_throw(checks::read_baseline(*plan.baseline));
    checks::BaselineResult kept = checks::apply_baseline(baseline, std::move(result.findings), result.model.files);
    result.findings = std::move(kept.findings);
    result.summary = result.summary.recounted(result.findings);
    result.summary.baselined = kept.baselined;
    if (!kept.stale.empty() && !plan.quiet) list_stale(kept.stale, *plan.baseline, io);
  }

  const std::string& project_dir = plan.options.project_dir.string();
  const checks::report::Report report{
      result.findings, result.summary, result.model.files, project_dir, checks::report::repository_path_of(project_dir),
      result.silenced};
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

int run_check(const CheckConfig& given, const Io& io) {
  // The project dir first: the config is looked up from it, and a typo there should be named as such.
  const std::string project_dir = given.project_dir ? given.project_dir->value : ".";
  value_or_throw(checks::validate_project_dir(project_dir));
  const std::optional<ProjectConfig> config = value_or_throw(find_project_config(project_dir));
  const CheckPlan checked = plan(given, config);

  checks::CheckResult result = value_or_throw(checks::check_project(checked.options));
  for (const std::string& warning : result.warnings) io.err << "deployctl: warning: " << warning << '\n';

  return report_result(checked, std::move(result), io);
}

}  // namespace

Action declare_check_command(CLI::App& app, const Io& io) {
  auto given = std::make_shared<CheckConfig>();
  declare_options(app, check_options(), *given);
  return [given, &io] { return run_check(*given, io); };
}

}  // namespace deployctl::cli
