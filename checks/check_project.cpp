// The steps of `deployctl check`, in order; each step is a call into the layer that owns it.
#include "checks/check_project.hpp"

#include <algorithm>
#include <future>

#include "checks/git/repository_checks.hpp"
#include "checks/new_since.hpp"
#include "checks/rules/blind_spots.hpp"
#include "checks/rules/registry.hpp"
#include "checks/rules/run_rules.hpp"
#include "checks/rules/silenced_checks.hpp"
#include "checks/rules/suppressions.hpp"
#include "checks/settings/discovery.hpp"
#include "checks/settings/env_file.hpp"
#include "checks/settings/evaluator.hpp"
#include "core/suggest.hpp"

namespace deployctl::checks {

namespace fs = std::filesystem;

namespace {

bool matches(std::string_view pattern, std::string_view rule_id) { return rule_id.starts_with(pattern); }

std::vector<std::string> known_rule_ids() {
  std::vector<std::string> ids;
  for (const rules::Rule& rule : rules::all_rules()) ids.emplace_back(rule.info.id);
  return ids;
}

Result<void> validate_filter(const RuleFilter& filter) {
  for (const auto* patterns : {&filter.select, &filter.ignore})
    for (const std::string& pattern : *patterns)
      if (auto valid = validate_rule_pattern(pattern); !valid) return valid;
  for (const auto& override_entry : filter.severity)
    if (auto valid = validate_rule_pattern(override_entry.first); !valid) return valid;
  return {};
}

// The first steps of the repository checks: a look at the repository's files, which is all outside any repository
// or when the last full scan's facts still hold; else libgit2, the index and the history walk, on a thread of
// their own while the settings are analysed. No future when options.repository_checks is off.
using PendingRepositoryScan = std::future<Result<git::RepositoryScan>>;
PendingRepositoryScan start_repository_scan(const CheckOptions& options) {
  if (!options.repository_checks) return {};
  const CheckOptions::RepositoryAt at =
      options.repository_at.value_or(CheckOptions::RepositoryAt{options.project_dir, ""});
  git::RepositoryScan scan = git::RepositoryScan::look(at.project_dir, {options.all_paths, at.revision});
  if (scan.complete()) {
    // A thread would cost more than it saves: its stack, and the other core woken for nothing.
    std::promise<Result<git::RepositoryScan>> ready;
    ready.set_value(std::move(scan));
    return ready.get_future();
  }
  // Two cores are the norm; loading libgit2 and reading the index cost about as much as the settings analysis.
  return std::async(std::launch::async, [scan = std::move(scan)]() mutable -> Result<git::RepositoryScan> {
    if (auto scanned = scan.scan(); !scanned) return std::unexpected(scanned.error());
    return std::move(scan);
  });
}

// The repository's facts (finishing `repository`), and Django's messages when options.django_runtime. A --django
// import that fails is not an error: its reason goes to `warnings` and the static results stand.
Result<BeyondSettings> beyond_settings(const CheckOptions& options, PendingRepositoryScan& repository,
                                       const settings::SettingsModel& model, std::string_view settings_module,
                                       const settings::Environment& environment, std::vector<std::string>& warnings) {
  BeyondSettings beyond;
  beyond.workers = settings::configured_workers(model.project_dir.empty() ? options.project_dir : model.project_dir);
  if (repository.valid()) {
    auto scan = repository.get();
    if (!scan) return std::unexpected(scan.error());
    auto facts = scan->finish(&model);
    if (!facts) return std::unexpected(facts.error());
    beyond.repository = std::move(*facts);
  }
  if (options.django_runtime) {
    django_runtime::RuntimeRequest request;
    request.project_dir = model.project_dir.empty() ? options.project_dir : model.project_dir;
    request.settings_module = std::string(settings_module);
    request.environment = environment;
    auto messages = django_runtime::run_django_checks(request);
    if (messages)
      beyond.django = std::move(*messages);
    else
      warnings.push_back("--django: cannot run Django's checks on " + request.settings_module + ": " +
                         messages.error().message + "; continuing with the static results");
  }
  return beyond;
}

}  // namespace

Result<void> validate_project_dir(const fs::path& project_dir) {
  std::error_code ec;
  const auto status = fs::status(project_dir, ec);
  if (!fs::exists(status)) return fail("project directory " + project_dir.string() + " does not exist");
  if (!fs::is_directory(status))
    return fail(project_dir.string() + " is not a directory; give the Django project's directory (where manage.py is)");
  return {};
}

bool RuleFilter::enabled(std::string_view rule_id) const {
  const auto matches_id = [&](const std::string& pattern) { return matches(pattern, rule_id); };
  if (!select.empty() && std::ranges::none_of(select, matches_id)) return false;
  return std::ranges::none_of(ignore, matches_id);
}

std::optional<Severity> RuleFilter::severity_override(std::string_view rule_id) const {
  std::optional<Severity> chosen;
  std::size_t chosen_length = 0;
  for (const auto& [pattern, level] : severity) {
    if (!matches(pattern, rule_id) || (chosen && pattern.size() < chosen_length)) continue;
    chosen = level;
    chosen_length = pattern.size();
  }
  return chosen;
}

Result<void> validate_rule_pattern(std::string_view pattern) {
  const std::vector<std::string> ids = known_rule_ids();
  if (pattern.empty()) return fail("empty rule id; give rule ids or prefixes such as DJ018 or DJ");
  if (std::ranges::any_of(ids, [&](const std::string& id) { return matches(pattern, id); })) return {};
  return fail("unknown rule '" + std::string(pattern) + "'." + did_you_mean(pattern, ids) +
              " Run 'deployctl rules' for the list.");
}

Result<CheckResult> check_model(settings::SettingsModel model, const RuleFilter& filter, BeyondSettings beyond) {
  if (auto valid = validate_filter(filter); !valid) return std::unexpected(valid.error());

  std::vector<Finding> findings;
  // The evaluator's problems are reported by their DPL rules; one without a registered rule is passed on as
  // it is rather than lost.
  for (const Finding& problem : model.problems)
    if (rules::find_rule(problem.rule) == nullptr && filter.enabled(problem.rule)) findings.push_back(problem);
  const rules::RuleContext context{model, beyond.repository ? &*beyond.repository : nullptr,
                                   beyond.django ? &*beyond.django : nullptr,
                                   beyond.workers ? &*beyond.workers : nullptr};
  std::vector<rules::Undecided> undecided;
  for (Finding& finding : rules::run_rules(
           context, [&](std::string_view id) { return filter.enabled(id); }, &undecided))
    findings.push_back(std::move(finding));
  rules::SilencedOutcome silenced = rules::apply_silenced_checks(std::move(findings), model, undecided);
  findings = std::move(silenced.kept);
  if (const rules::Rule* blind = rules::find_rule("DPL005"); blind != nullptr && filter.enabled(blind->info.id)) {
    rules::FindingSink sink(blind->info, findings);
    rules::report_unknown_settings(undecided, model, sink);
  }

  const std::vector<std::string> ids = known_rule_ids();
  const RuleSelection selection{ids, [&](std::string_view id) { return filter.enabled(id); }};
  SuppressionOutcome outcome = apply_suppressions(std::move(findings), model.files, selection);

  for (Finding& finding : outcome.findings)
    if (const auto severity = filter.severity_override(finding.rule)) finding.severity = *severity;
  sort_findings(outcome.findings);

  CheckResult result;
  result.summary = Summary::of(outcome.findings, outcome.suppressed);
  result.summary.silenced = static_cast<int>(silenced.silenced.size());
  for (const rules::Undecided& entry : undecided)
    if (std::ranges::find(result.summary.unknown_settings, entry.setting) == result.summary.unknown_settings.end())
      result.summary.unknown_settings.push_back(entry.setting);
  std::ranges::sort(result.summary.unknown_settings);
  result.findings = std::move(outcome.findings);
  result.silenced = std::move(silenced.silenced);
  result.model = std::move(model);
  return result;
}

Result<CheckResult> check_project(const CheckOptions& options) {
  // Arguments first: a typo in a rule id should not wait for the whole project to be evaluated.
  if (auto valid = validate_filter(options.rules); !valid) return std::unexpected(valid.error());
  if (auto valid = validate_project_dir(options.project_dir); !valid) return std::unexpected(valid.error());

  // The repository's part that needs no Python runs meanwhile (a future's destructor waits for it on every return).
  PendingRepositoryScan repository = start_repository_scan(options);

  // --settings, then the config, then what the project's wsgi.py, asgi.py or manage.py set.
  auto settings_module = settings::discover_settings_module(options.project_dir, options.settings_module,
                                                            options.config_settings, options.config_name);
  if (!settings_module) return std::unexpected(settings_module.error());

  auto environment = settings::build_environment(options.env_files, options.env);
  if (!environment) return std::unexpected(environment.error());

  auto model = settings::evaluate_settings(options.project_dir, settings_module->module, *environment);
  if (!model) return std::unexpected(model.error());

  // Beyond the settings: the repository (GIT rules) and, with --django, Django's own checks.
  std::vector<std::string> warnings;
  auto beyond = beyond_settings(options, repository, *model, settings_module->module, *environment, warnings);
  if (!beyond) return std::unexpected(beyond.error());
  auto result = check_model(std::move(*model), options.rules, std::move(*beyond));
  if (!result) return result;
  result->warnings = std::move(warnings);
  if (options.new_since)
    if (auto kept = keep_new_since(*result, options); !kept) return std::unexpected(kept.error());
  return result;
}

}  // namespace deployctl::checks
