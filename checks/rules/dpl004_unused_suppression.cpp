// DPL004 unused-suppression: a `# deployctl: ignore[...]` comment that suppresses nothing, names an unknown
// rule or is malformed. It needs every other rule's findings, so check_project runs it after suppressions.
#include "checks/rules/suppressions.hpp"

#include <algorithm>

#include "core/suggest.hpp"

namespace deployctl::checks {

namespace {

// The registry calls every rule with its context; this one has nothing to look at until the other rules ran.
void no_model_check(const rules::RuleContext&, rules::FindingSink&) {}

settings::Origin origin_of(const Suppression& suppression, int column, int end_column) {
  return {suppression.file, python::Position{suppression.line, column, suppression.line, end_column}};
}

}  // namespace

namespace rules {

extern const Rule dpl004_unused_suppression{
    RuleInfo{
        .id = "DPL004",
        .name = "unused-suppression",
        .severity = Severity::warning,
        .summary = "A `# deployctl: ignore[...]` comment suppresses nothing, names an unknown rule or is malformed.",
        .rationale =
            "A suppression outlives the problem it silenced: once the setting is fixed, the comment stays and "
            "would hide the same problem if it came back. A misspelt rule id suppresses nothing at all, while the "
            "reader believes the line was reviewed.",
        .fix = "Delete the suppression (or the rule id that no longer matches), or correct the rule id.",
        .example_fires = "DEBUG = False  # deployctl: ignore[DJ018] reviewed for production\n",
        .example_passes = "DEBUG = False\n",
        .django_check = "",
        .notes = "A suppression of a rule that did not run (--select, --ignore) is not reported. Its own findings "
                 "can be suppressed with `ignore[DPL004]` on the same line.",
    },
    no_model_check,
};

}  // namespace rules

void report_suppression_problems(std::span<const Suppression> suppressions, const RuleSelection& rules,
                                 rules::FindingSink& sink) {
  for (const Suppression& suppression : suppressions) {
    if (suppression.malformed) {
      sink.report("malformed suppression comment: deployctl understands only `# deployctl: ignore[RULE, ...]`",
                  origin_of(suppression, suppression.column, suppression.end_column), {},
                  "Write the rule ids in brackets, e.g. `# deployctl: ignore[SK001] reason`.");
      continue;
    }
    for (const SuppressedRule& id : suppression.rules) {
      const auto where = origin_of(suppression, id.column, id.end_column);
      const bool known = std::ranges::find(rules.known_ids, id.id) != rules.known_ids.end();
      if (!known) {
        sink.report("suppression names unknown rule '" + id.id + "'." + did_you_mean(id.id, rules.known_ids), where, {},
                    "Correct the rule id (`deployctl rules` lists them) or delete it.");
      } else if (!id.used && rules.enabled(id.id)) {
        sink.report("suppression of " + id.id + " matches no finding on this line", where, {},
                    "Delete `" + id.id + "` from the comment, or the whole comment if nothing else remains.");
      }
    }
  }
}

}  // namespace deployctl::checks
