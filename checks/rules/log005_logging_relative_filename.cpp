// LOG005 logging-relative-filename: a LOGGING file handler writes to a relative path, which depends on the app server's
// working directory. The dictConfig rules themselves live in logging_config.cpp, shared by every LOG rule.
#include "checks/rules/logging_config.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  logging_config::report(model, sink, logging_config::Issue::relative_filename);
}

}  // namespace

extern const Rule log005_logging_relative_filename{
    RuleInfo{
        .id = "LOG005",
        .name = "logging-relative-filename",
        .severity = Severity::warning,
        .summary = "A LOGGING file handler writes to a relative path, which depends on the app server's "
                   "working directory.",
        .rationale = "A relative 'filename' is opened relative to the process's working directory: the project "
                     "dir under runserver, but '/' or the unit's WorkingDirectory under systemd, gunicorn or "
                     "uWSGI. Logs then land somewhere nobody looks, or Django fails to start because the "
                     "directory does not exist or is not writable.",
        .fix = "Use an absolute path, e.g. 'filename': BASE_DIR / 'logs' / 'django.log' or "
               "'/var/log/mysite/django.log', or log to the console and let the process manager collect "
               "it.",
        .example_fires = "LOGGING = {\n"
                         "    'version': 1,\n"
                         "    'handlers': {'file': {'class': 'logging.FileHandler', 'filename': 'logs/django.log'}},\n"
                         "    'root': {'handlers': ['file']},\n"
                         "}\n",
        .example_passes =
            "LOGGING = {\n"
            "    'version': 1,\n"
            "    'disable_existing_loggers': False,\n"
            "    'handlers': {'file': {'class': 'logging.FileHandler', 'filename': '/var/log/mysite/django.log'}},\n"
            "    'root': {'handlers': ['file']},\n"
            "}\n",
        .django_check = "",
        .notes = "Checks logging.FileHandler and logging.handlers' RotatingFileHandler, "
                 "TimedRotatingFileHandler and WatchedFileHandler.",
    },
    check,
};

}  // namespace deployctl::checks::rules
