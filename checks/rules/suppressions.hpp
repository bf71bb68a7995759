// Inline suppressions: `# deployctl: ignore[RULE1, RULE2] optional reason` on the offending line (or on the line
// where its multi-line statement starts) drops that rule's findings there. Unused, unknown and malformed
// suppressions are themselves reported (DPL004, checks/rules/dpl004_unused_suppression.cpp).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/findings/finding.hpp"
#include "checks/rules/rule.hpp"
#include "checks/settings/settings_model.hpp"

namespace deployctl::checks {

// One rule id inside a suppression comment, with its place for carets and whether it suppressed anything.
struct SuppressedRule {
  std::string id;  // as written
  int column = 0;  // 1-based code point columns of the id on its line
  int end_column = 0;
  bool used = false;
};

struct Suppression {
  std::string file;  // relative to the project dir, as in SourceFile::path
  int line = 0;      // the line the comment is on
  int column = 0;    // 1-based code point columns of the directive, from its '#'
  int end_column = 0;
  std::vector<SuppressedRule> rules;  // empty when the comment is malformed
  std::string reason;                 // text after the closing bracket, trimmed
  bool malformed = false;             // `# deployctl:` followed by something other than `ignore[IDS]`
};

// Every `# deployctl:` directive in the comments of `source` (never inside string literals).
std::vector<Suppression> find_suppressions(const std::string& file, std::string_view source);

// Which rule ids exist and which ran: a suppression of a rule that did not run is not "unused".
struct RuleSelection {
  std::span<const std::string> known_ids;
  std::function<bool(std::string_view id)> enabled;
};

struct SuppressionOutcome {
  std::vector<Finding> findings;  // the findings no suppression matched, then DPL004 findings if DPL004 is enabled
  int suppressed = 0;             // how many findings suppressions dropped
};

// Drops every finding a suppression in `files` matches and reports the suppressions that matched nothing.
SuppressionOutcome apply_suppressions(std::vector<Finding> findings, std::span<const SourceFile> files,
                                      const RuleSelection& rules);

// DPL004's check proper: reports unused, unknown and malformed suppressions into `sink`.
// Defined beside the rule's metadata in checks/rules/dpl004_unused_suppression.cpp.
void report_suppression_problems(std::span<const Suppression> suppressions, const RuleSelection& rules,
                                 rules::FindingSink& sink);

namespace rules {
extern const Rule dpl004_unused_suppression;
}

}  // namespace deployctl::checks
