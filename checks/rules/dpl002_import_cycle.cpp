// DPL002 import-cycle: settings modules that import each other (or nest imports deeper than Python can).
// The evaluator records the chain; this rule reports it.
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  for (const Finding& problem : model.problems)
    if (problem.rule == "DPL002")
      sink.report(problem.message,
                  {problem.where.file, python::Position{problem.where.line, problem.where.column,
                                                        problem.where.end_line, problem.where.end_column}},
                  problem.setting.value_or(""), problem.fix);
}

}  // namespace

extern const Rule dpl002_import_cycle{
    RuleInfo{
        .id = "DPL002",
        .name = "import-cycle",
        .severity = Severity::warning,
        .summary = "Settings modules import each other in a cycle, or nest imports deeper than Python allows.",
        .rationale =
            "In a cycle Python hands the second module a half-initialised first one: a star import copies only "
            "the names defined before the import line, so settings silently differ from what the files say. "
            "Imports nested about 140 modules deep fail with RecursionError.",
        .fix = "Move what the modules share into a base module that imports none of the others.",
        .example_fires = "# settings/base.py\nfrom .production import *\nDEBUG = False\n"
                         "# settings/production.py\nfrom .base import *\n",
        .example_passes = "# settings/base.py\nDEBUG = False\n# settings/production.py\nfrom .base import *\n",
        .django_check = "",
        .notes = "Settings of the modules in the cycle are evaluated as Python would see them: names bound after "
                 "the cyclic import are missing where the cycle closes.",
    },
    check,
};

}  // namespace deployctl::checks::rules
