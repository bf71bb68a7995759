// DPL001 syntax-error: a settings file (or a project module it imports or includes) that Python cannot parse.
// The evaluator records the problem; this rule reports it.
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  for (const Finding& problem : model.problems)
    if (problem.rule == "DPL001")
      sink.report(problem.message,
                  {problem.where.file, python::Position{problem.where.line, problem.where.column,
                                                        problem.where.end_line, problem.where.end_column}},
                  problem.setting.value_or(""), problem.fix);
}

}  // namespace

extern const Rule dpl001_syntax_error{
    RuleInfo{
        .id = "DPL001",
        .name = "syntax-error",
        .severity = Severity::error,
        .summary = "A settings file, or a project module the settings import, is not valid Python.",
        .rationale =
            "Django imports the settings when the process starts: a syntax error stops every worker before it "
            "serves a request. deployctl cannot see any setting the file defines, so its other checks are blind "
            "to them.",
        .fix = "Fix the syntax error; `/usr/bin/python3 -m py_compile <file>` reports the same message.",
        .example_fires = "DEBUG = False\nALLOWED_HOSTS = ['example.com'\n",
        .example_passes = "DEBUG = False\nALLOWED_HOSTS = ['example.com']\n",
        .django_check = "",
        .notes = "Files are parsed with the CPython 3.11 grammar; syntax only newer Python versions accept is "
                 "reported too.",
    },
    check,
};

}  // namespace deployctl::checks::rules
