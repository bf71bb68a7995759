// RT001 django-system-check: with --django, a message of Django's own system checks that no static rule mirrors
// (checks/django_runtime/). Messages Django shares with a DJ rule are reported under that rule.
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const settings::SettingsModel&, FindingSink&) {}

}  // namespace

extern const Rule rt001_django_system_check{
    RuleInfo{
        .id = "RT001",
        .name = "django-system-check",
        .severity = Severity::warning,
        .summary = "Django's system checks (run with --django) report a problem that no static rule covers.",
        .rationale =
            "`manage.py check --deploy` knows what only an import shows: installed apps, models, URL "
            "configuration, templates, and settings computed by code the static analysis cannot follow. With "
            "--django, deployctl imports the settings as Django does and adds Django's messages to the report.",
        .fix = "Follow the hint of Django's message (its check id is in the finding's django_check field; "
               "https://docs.djangoproject.com/en/stable/ref/checks/ lists them all).",
        .example_fires = "# an app that needs another app which is not installed: Django reports admin.E405\n"
                         "mkdir -p mysite && touch mysite/__init__.py\n"
                         "echo \"INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.contenttypes']\" "
                         "> mysite/settings.py\n"
                         "deployctl check --django --settings mysite.settings .\n",
        .example_passes = "mkdir -p mysite && touch mysite/__init__.py\n"
                          "echo \"INSTALLED_APPS = ['django.contrib.contenttypes']\" > mysite/settings.py\n"
                          "deployctl check --django --settings mysite.settings .\n",
        .django_check = "",
        .notes = "Only with --django, which imports the settings and runs django.setup() and "
                 "django.core.checks.run_checks(include_deployment_checks=True) in a child process of deployctl "
                 "with the embedded interpreter and the system's site-packages. Levels map as DEBUG/INFO -> info, "
                 "WARNING -> warning, ERROR/CRITICAL -> error. A message whose id a static finding already "
                 "reports is dropped (the static finding keeps its location); one whose id a DJ rule mirrors is "
                 "reported under that DJ rule.",
        .example_language = "sh",
    },
    check,
};

}  // namespace deployctl::checks::rules
