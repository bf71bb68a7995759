// LOG006 logging-disables-django-loggers: LOGGING keeps disable_existing_loggers True (the default when omitted) without configuring the 'django' logger.
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
        .summary =
            "LOGGING keeps disable_existing_loggers True (the default when omitted) without configuring "
            "the 'django' logger.",
        .rationale =
            "dictConfig disables every logger that exists when it runs and that the new configuration "
            "does not name. When Django applies LOGGING, 'django' and 'django.request' already exist, "
            "so with disable_existing_loggers left at True (which is also what omitting it means) "
            "unhandled exceptions in views are neither logged nor mailed to ADMINS. Production errors "
            "vanish silently.",
        .fix =
            "Set 'disable_existing_loggers': False, or configure the 'django' logger in "
            "LOGGING['loggers'] (its children, django.request among them, are then kept).",
        .example_fires =
            "LOGGING = {\n"
            "    'version': 1,\n"
            "    'handlers': {'console': {'class': 'logging.StreamHandler'}},\n"
            "    'root': {'handlers': ['console'], 'level': 'INFO'},\n"
            "}\n",
        .example_passes =
            "LOGGING = {\n"
            "    'version': 1,\n"
            "    'disable_existing_loggers': False,\n"
            "    'handlers': {'console': {'class': 'logging.StreamHandler'}},\n"
            "    'root': {'handlers': ['console'], 'level': 'INFO'},\n"
            "}\n",
        .django_check = "",
        .notes =
            "Incremental configurations ('incremental': True) disable nothing and are not reported.",
    },
    check,
};

}  // namespace deployctl::checks::rules
