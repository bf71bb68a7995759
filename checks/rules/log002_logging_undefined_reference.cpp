// LOG002 logging-undefined-reference: a LOGGING logger or handler uses a handler, formatter or filter name that LOGGING
// does not define. The dictConfig rules themselves live in logging_config.cpp, shared by every LOG rule.
#include "checks/rules/logging_config.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  logging_config::report(model, sink, logging_config::Issue::undefined_reference);
}

}  // namespace

extern const Rule log002_logging_undefined_reference{
    RuleInfo{
        .id = "LOG002",
        .name = "logging-undefined-reference",
        .severity = Severity::error,
        .summary = "A LOGGING logger or handler uses a handler, formatter or filter name that LOGGING does not "
                   "define.",
        .rationale = "dictConfig resolves every name in 'handlers', 'formatter' and 'filters' against the "
                     "sections of the same LOGGING dict and raises ValueError for a missing one, so Django does "
                     "not start. A common cause is using 'mail_admins' or 'console', which Django's "
                     "DEFAULT_LOGGING defines but a custom LOGGING does not inherit.",
        .fix = "Define the handler, formatter or filter in LOGGING's 'handlers', 'formatters' or "
               "'filters', or remove the reference.",
        .example_fires = "LOGGING = {\n"
                         "    'version': 1,\n"
                         "    'handlers': {'console': {'class': 'logging.StreamHandler'}},\n"
                         "    'loggers': {'django': {'handlers': ['console', 'mail_admins'], 'level': 'INFO'}},\n"
                         "}\n",
        .example_passes = "LOGGING = {\n"
                          "    'version': 1,\n"
                          "    'handlers': {\n"
                          "        'console': {'class': 'logging.StreamHandler'},\n"
                          "        'mail_admins': {'class': 'django.utils.log.AdminEmailHandler', 'level': 'ERROR'},\n"
                          "    },\n"
                          "    'loggers': {'django': {'handlers': ['console', 'mail_admins'], 'level': 'INFO'}},\n"
                          "}\n",
        .django_check = "",
        .notes = "Also reports 'handlers' or 'filters' given as a string instead of a list (dictConfig "
                 "iterates its characters) and a MemoryHandler 'target' that is not defined. Names written "
                 "as 'cfg://' or 'ext://' are not followed.",
    },
    check,
};

}  // namespace deployctl::checks::rules
