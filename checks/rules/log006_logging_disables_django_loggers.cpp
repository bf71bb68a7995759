// LOG006 logging-disables-django-loggers: LOGGING keeps disable_existing_loggers True (the default when omitted)
// and names neither the 'django' nor the 'django.request' logger, so errors in views are no longer logged.
// The dictConfig rules themselves live in logging_config.cpp, shared by every LOG rule.
#include "checks/rules/logging_config.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  logging_config::report(model, sink, logging_config::Issue::disables_django_loggers);
}

}  // namespace

extern const Rule log006_logging_disables_django_loggers{
    RuleInfo{
        .id = "LOG006",
        .name = "logging-disables-django-loggers",
        .severity = Severity::warning,
        .summary = "LOGGING keeps disable_existing_loggers True (the default when omitted) and configures neither "
                   "the 'django' nor the 'django.request' logger.",
        .rationale =
            "dictConfig disables every logger that exists when it runs and that the new configuration "
            "neither names nor keeps as the child of a logger it names. When Django applies LOGGING, "
            "'django' and 'django.server' (from Django's DEFAULT_LOGGING), 'django.request' and others "
            "already exist, so with disable_existing_loggers left at True (which is also what omitting it means) "
            "unhandled exceptions in views are neither logged nor mailed to ADMINS. Production errors "
            "vanish silently.",
        .fix = "Set 'disable_existing_loggers': False, or configure the 'django' logger in "
               "LOGGING['loggers'] (its children, django.request among them, are then kept).",
        .example_fires = "LOGGING = {\n"
                         "    'version': 1,\n"
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
        .notes = "Incremental configurations ('incremental': True) disable nothing and are not reported. Naming "
                 "'django.request' keeps errors in views logged: the loggers still switched off then ('django', "
                 "'django.server', 'django.db.backends', 'django.template') log little in production, so it is not "
                 "reported either.",
    },
    check,
};

}  // namespace deployctl::checks::rules
