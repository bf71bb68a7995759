// A rule: its metadata (the single source of `deployctl rules`, `explain` and the docs) next to its check.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/django_runtime/runtime_checks.hpp"
#include "checks/findings/finding.hpp"
#include "checks/git/repository_facts.hpp"
#include "checks/settings/server_workers.hpp"
#include "checks/settings/settings_model.hpp"

namespace deployctl::checks::rules {

struct RuleInfo {
  std::string_view id;              // stable, never reused: "DJ018", "SK002", ...
  std::string_view name;            // kebab-case, e.g. "debug-enabled"
  Severity severity;                // default severity
  std::string_view summary;         // one line
  std::string_view rationale;       // why it matters in production
  std::string_view fix;             // what to do instead
  std::string_view example_fires;   // a settings module (Python) that makes the rule fire ...
  std::string_view example_passes;  // ... and a close variant that does not
  std::string_view django_check;    // the matching Django check id, "" when none
  std::string_view notes;           // version differences and limits, "" when none
  bool concerns_secret = false;     // about a secret (SECRET_KEY, passwords, database URLs): reporters mask the
                                    // string literals of the source line they show under its findings
  std::string_view example_language = "python";  // "python": the examples are settings modules the rule runs on;
                                                 // "sh": shell sessions that build a repository or project
                                                 // (repository and runtime rules, which see more than settings)
};

// Everything a rule may look at. The parts beyond the settings are there only when they were gathered: null when
// the repository checks are off (--no-git) or the project is in no repository, and without --django; `workers`
// when the project's deployctl.toml or gunicorn config gives a worker count.
struct RuleContext {
  const settings::SettingsModel& settings;
  const git::RepositoryFacts* repository = nullptr;
  const std::vector<django_runtime::DjangoMessage>* django = nullptr;  // Django's own check messages
  const settings::WorkerCount* workers = nullptr;                      // how many processes serve, when written
};

// A setting a rule needed but the analysis could not know, so the rule could not decide: DPL005 reports these
// blind spots, so that a report never reads "All checks passed" when a rule could not see.
struct Undecided {
  std::string rule;        // the rule that could not decide, e.g. "DJ018"
  std::string setting;     // the setting it needed, e.g. "DEBUG"
  std::string why;         // why the value is unknown, from the evaluator (Value::unknown_reason)
  settings::Origin where;  // where the unknown value was made
};

// What a rule reports into: fills in rule id, severity and django_check from the RuleInfo.
class FindingSink {
 public:
  explicit FindingSink(const RuleInfo& info, std::vector<Finding>& out, std::vector<Undecided>* undecided = nullptr)
      : info_(info), out_(out), undecided_(undecided) {}
  // The finding made, for the rare rule that refines it (RT001 takes the severity of Django's message).
  Finding& report(std::string message, const settings::Origin& where, std::string setting = {}, std::string fix = {});
  // The rule could not decide because `setting` has an unknown `value`. Not recorded for a secret the deployment
  // gives through the environment without a default: the check is not meant to know it.
  void cannot_decide(std::string_view setting, const settings::Value& value);
  const RuleInfo& info() const { return info_; }

 private:
  const RuleInfo& info_;
  std::vector<Finding>& out_;
  std::vector<Undecided>* undecided_;
};

using CheckFunction = void (*)(const RuleContext& context, FindingSink& sink);

struct Rule {
  RuleInfo info;
  CheckFunction check;
};

}  // namespace deployctl::checks::rules
