// LOG003 logging-unknown-level: a LOGGING handler or logger has a level that logging does not know, such as 'info' or
// 'WARNINGS'. The dictConfig rules themselves live in logging_config.cpp, shared by every LOG rule.
#include "checks/rules/logging_config.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  logging_config::report(model, sink, logging_config::Issue::unknown_level);
}

}  // namespace

extern const Rule log003_logging_unknown_level{
    RuleInfo{
        .id = "LOG003",
        .name = "logging-unknown-level",
        .severity = Severity::error,
        .summary = "A LOGGING handler or logger has a level that logging does not know, such as 'info' or "
                   "'WARNINGS'.",
        .rationale = "logging accepts only the names CRITICAL, FATAL, ERROR, WARN, WARNING, INFO, DEBUG and "
                     "NOTSET, in upper case, or an int; dictConfig raises ValueError for anything else and "
                     "Django does not start. Levels read from the environment with a lower-case default "
                     "(os.getenv('LOG_LEVEL', 'info')) break only where the variable is unset.",
        .fix = "Write the level in upper case ('INFO'), or normalise what the environment gives: "
               "os.getenv('LOG_LEVEL', 'INFO').upper().",
        .example_fires = "LOGGING = {\n"
                         "    'version': 1,\n"
                         "    'handlers': {'console': {'class': 'logging.StreamHandler', 'level': 'info'}},\n"
                         "    'root': {'handlers': ['console']},\n"
                         "}\n",
        .example_passes = "LOGGING = {\n"
                          "    'version': 1,\n"
                          "    'disable_existing_loggers': False,\n"
                          "    'handlers': {'console': {'class': 'logging.StreamHandler', 'level': 'INFO'}},\n"
                          "    'root': {'handlers': ['console']},\n"
                          "}\n",
        .django_check = "",
        .notes = "Levels registered at run time with logging.addLevelName are not known to deployctl and are "
                 "reported; suppress the finding for such a level.",
    },
    check,
};

}  // namespace deployctl::checks::rules
