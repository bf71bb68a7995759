// LOG004 logging-handler-class: a LOGGING handler has no 'class', names a class logging does not have, or is a file
// handler without 'filename'. The dictConfig rules themselves live in logging_config.cpp, shared by every LOG rule.
#include "checks/rules/logging_config.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  logging_config::report(model, sink, logging_config::Issue::handler_class);
}

}  // namespace

extern const Rule log004_logging_handler_class{
    RuleInfo{
        .id = "LOG004",
        .name = "logging-handler-class",
        .severity = Severity::error,
        .summary = "A LOGGING handler has no 'class', names a class logging does not have, or is a file "
                   "handler without 'filename'.",
        .rationale = "dictConfig needs a 'class' (or a '()' factory) for every handler and imports it while "
                     "Django starts; 'logging.RotatingFileHandler' does not exist (it is "
                     "logging.handlers.RotatingFileHandler), and a FileHandler without 'filename' cannot be "
                     "created. Each raises ValueError and Django does not start.",
        .fix = "Give every handler a 'class' with its full dotted path, e.g. "
               "'logging.handlers.RotatingFileHandler', and a 'filename' for file handlers.",
        .example_fires = "LOGGING = {\n"
                         "    'version': 1,\n"
                         "    'handlers': {'file': {'class': 'logging.RotatingFileHandler', 'filename': "
                         "'/var/log/mysite/django.log'}},\n"
                         "    'root': {'handlers': ['file']},\n"
                         "}\n",
        .example_passes = "LOGGING = {\n"
                          "    'version': 1,\n"
                          "    'disable_existing_loggers': False,\n"
                          "    'handlers': {'file': {'class': 'logging.handlers.RotatingFileHandler', 'filename': "
                          "'/var/log/mysite/django.log'}},\n"
                          "    'root': {'handlers': ['file']},\n"
                          "}\n",
        .django_check = "",
        .notes = "Only classes of the standard logging and logging.handlers modules are checked for "
                 "existence; other dotted paths are not imported.",
    },
    check,
};

}  // namespace deployctl::checks::rules
