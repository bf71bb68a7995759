// LOG007 logging-invalid-formatter: a LOGGING formatter has a style other than '%', '{' or '$', or a '%'-style format
// without any %(name)s field. The dictConfig rules themselves live in logging_config.cpp, shared by every LOG rule.
#include "checks/rules/logging_config.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  logging_config::report(model, sink, logging_config::Issue::invalid_formatter);
}

}  // namespace

extern const Rule log007_logging_invalid_formatter{
    RuleInfo{
        .id = "LOG007",
        .name = "logging-invalid-formatter",
        .severity = Severity::error,
        .summary = "A LOGGING formatter has a style other than '%', '{' or '$', or a '%'-style format without "
                   "any %(name)s field.",
        .rationale = "logging.Formatter validates its format when dictConfig creates it: an unknown style or a "
                     "format like '{levelname} {message}' left with the default '%' style raises ValueError, and "
                     "Django does not start.",
        .fix = "Match the format to the style: '%(levelname)s %(message)s' with the default style, or add "
               "'style': '{' for '{levelname} {message}'.",
        .example_fires = "LOGGING = {\n"
                         "    'version': 1,\n"
                         "    'formatters': {'plain': {'format': '{levelname} {message}'}},\n"
                         "    'handlers': {'console': {'class': 'logging.StreamHandler', 'formatter': 'plain'}},\n"
                         "    'root': {'handlers': ['console']},\n"
                         "}\n",
        .example_passes = "LOGGING = {\n"
                          "    'version': 1,\n"
                          "    'disable_existing_loggers': False,\n"
                          "    'formatters': {'plain': {'format': '{levelname} {message}', 'style': '{'}},\n"
                          "    'handlers': {'console': {'class': 'logging.StreamHandler', 'formatter': 'plain'}},\n"
                          "    'root': {'handlers': ['console']},\n"
                          "}\n",
        .django_check = "",
        .notes = "'{' and '$' formats are not validated; formatters with a '()' factory, a custom class or "
                 "'validate': False are skipped.",
    },
    check,
};

}  // namespace deployctl::checks::rules
