// DPL003 unreadable-module: a module the settings import or include is missing, unreadable, binary or too
// large. The evaluator records the problem; this rule reports it.
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  for (const Finding& problem : model.problems)
    if (problem.rule == "DPL003")
      sink.report(problem.message,
                  {problem.where.file, python::Position{problem.where.line, problem.where.column,
                                                        problem.where.end_line, problem.where.end_column}},
                  problem.setting.value_or(""), problem.fix);
}

}  // namespace

extern const Rule dpl003_unreadable_module{
    RuleInfo{
        .id = "DPL003",
        .name = "unreadable-module",
        .severity = Severity::error,
        .summary = "A project module the settings import or include is missing or cannot be read.",
        .rationale =
            "A settings import that fails outside try/except ImportError (or a required split-settings include "
            "that matches no file) stops Django at startup. A file deployctl cannot read is one whose settings it "
            "cannot check.",
        .fix = "Create or fix the file, correct the import, or make the import optional (try/except ImportError, "
               "split-settings' optional()).",
        .example_fires = "from .local_settings import *\n",
        .example_passes = "try:\n    from .local_settings import *\nexcept ImportError:\n    pass\n",
        .django_check = "",
        .notes = "Only project modules are checked: a third-party package deployctl cannot see is assumed to be "
                 "installed where the settings run.",
    },
    check,
};

}  // namespace deployctl::checks::rules
