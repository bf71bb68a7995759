// `deployctl check` as a library call: discovery, environment, evaluation, rules, overrides, selection,
// suppressions, order. The CLI only turns flags and config into CheckOptions and prints the result.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/django_runtime/runtime_checks.hpp"
#include "checks/findings/finding.hpp"
#include "checks/findings/summary.hpp"
#include "checks/git/repository_facts.hpp"
#include "checks/settings/server_workers.hpp"
#include "checks/settings/settings_model.hpp"
#include "core/error.hpp"

namespace deployctl::checks {

// Rule patterns (--select, --ignore, [check.severity] keys) are rule ids ("DJ018") or id prefixes ("DJ").
struct RuleFilter {
  std::vector<std::string> select;                         // empty: every rule
  std::vector<std::string> ignore;                         // wins over select
  std::vector<std::pair<std::string, Severity>> severity;  // overrides; the longest matching pattern wins

  bool enabled(std::string_view rule_id) const;
  std::optional<Severity> severity_override(std::string_view rule_id) const;
};

struct CheckOptions {
  std::filesystem::path project_dir = ".";
  std::optional<std::string> settings_module;    // --settings: a dotted module name
  std::optional<std::string> config_settings;    // the config's `settings` key; --settings wins over it
  std::string config_name = "deployctl.toml";    // how messages name the config
  std::vector<std::filesystem::path> env_files;  // read in order
  std::vector<std::string> env;                  // KEY=VALUE, after the env files
  RuleFilter rules;
  // Repository checks (GIT rules, checks/git/) when the project is inside a git repository. Off here so that
  // library callers analyse settings only; the CLI turns them on unless --no-git.
  bool repository_checks = false;
  bool all_paths = false;                // --all-paths: the history scan reads every file, not settings-like ones
  std::optional<std::string> new_since;  // --new-since REF: only findings whose fingerprint REF did not have
  bool django_runtime = false;           // --django: merge Django's own system checks (checks/django_runtime/)
  // Where the repository checks look when it is not the project dir as it is now: --new-since analyses a
  // snapshot of REF (no repository), whose repository facts come from the project's repository as of REF.
  struct RepositoryAt {
    std::filesystem::path project_dir;
    std::string revision;
  };
  std::optional<RepositoryAt> repository_at;
};

// What the rules see beyond the settings (rules::RuleContext), each part only when it was gathered.
struct BeyondSettings {
  std::optional<git::RepositoryFacts> repository;                    // the repository checks, in a repository
  std::optional<std::vector<django_runtime::DjangoMessage>> django;  // --django, when Django could be run
  std::optional<settings::WorkerCount> workers;                      // the worker count the config files give
};

struct CheckResult {
  settings::SettingsModel model;  // the sources the findings point into (carets, snippets)
  std::vector<Finding> findings;  // after overrides, selection and suppressions; in report order
  std::vector<Finding> silenced;  // dropped because SILENCED_SYSTEM_CHECKS lists their Django check id
  Summary summary;
  std::vector<std::string> warnings;  // what the CLI says once on stderr, e.g. why --django could not import
};

// Fails (exit 2) when the project dir is missing, no settings module is found, an env file or assignment is
// bad, a rule pattern is unknown, or the settings module cannot be read.
Result<CheckResult> check_project(const CheckOptions& options);

// Runs the enabled rules on an evaluated model and what was gathered beyond it, then suppressions, overrides and
// the sort. For tests (and rule examples) that evaluate in memory.
Result<CheckResult> check_model(settings::SettingsModel model, const RuleFilter& rules, BeyondSettings beyond = {});

// Whether `project_dir` is an existing directory; the error says what to give instead.
Result<void> validate_project_dir(const std::filesystem::path& project_dir);

// Whether `pattern` names a rule or a rule prefix; the error says which ids are close ("Did you mean").
Result<void> validate_rule_pattern(std::string_view pattern);

}  // namespace deployctl::checks
