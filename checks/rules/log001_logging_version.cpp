// LOG001 logging-version: LOGGING has no 'version' key, or a version other than 1, so logging.config.dictConfig rejects
// it. The dictConfig rules themselves live in logging_config.cpp, shared by every LOG rule.
#include "checks/rules/logging_config.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  logging_config::report(model, sink, logging_config::Issue::bad_version);
}

}  // namespace

extern const Rule log001_logging_version{
    RuleInfo{
        .id = "LOG001",
        .name = "logging-version",
        .severity = Severity::error,
        .summary = "LOGGING has no 'version' key, or a version other than 1, so logging.config.dictConfig "
                   "rejects it.",
        .rationale = "Django passes LOGGING to logging.config.dictConfig while it starts. dictConfig requires "
                     "'version': 1 and raises ValueError otherwise, so every manage.py command, worker and web "
                     "process fails before serving anything.",
        .fix = "Add 'version': 1 as the first key of LOGGING.",
        .example_fires = "LOGGING = {\n"
                         "    'handlers': {'console': {'class': 'logging.StreamHandler'}},\n"
                         "    'root': {'handlers': ['console'], 'level': 'INFO'},\n"
                         "}\n",
        .example_passes = "LOGGING = {\n"
                          "    'version': 1,\n"
                          "    'disable_existing_loggers': False,\n"
                          "    'handlers': {'console': {'class': 'logging.StreamHandler'}},\n"
                          "    'root': {'handlers': ['console'], 'level': 'INFO'},\n"
                          "}\n",
        .django_check = "",
        .notes = "Follows CPython 3.11's DictConfigurator.configure. Like every LOG rule, silent when "
                 "LOGGING_CONFIG names another function or LOGGING is empty.",
    },
    check,
};

}  // namespace deployctl::checks::rules
