// RT001 django-system-check: with --django, a message of Django's own system checks that no static rule mirrors
// (checks/django_runtime/ runs them). Messages whose id a DJ rule mirrors are reported under that rule (run_rules).
#include <set>

#include "checks/rules/django_messages.hpp"

namespace deployctl::checks::rules {

namespace {

Severity severity_of(int level) {
  if (level >= 40) return Severity::error;
  if (level >= 30) return Severity::warning;
  return Severity::info;
}

void check(const RuleContext& context, FindingSink& sink) {
  if (context.django == nullptr) return;
  std::set<std::string> reported_checks;  // Django may repeat a message; one finding per check id
  for (const django_runtime::DjangoMessage& message : *context.django) {
    if (mirror_rule(message.id) != nullptr) continue;
    if (!message.id.empty() && !reported_checks.insert(message.id).second) continue;
    report_django_message(message, context.settings, sink).severity = severity_of(message.level);
  }
}

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
        .example_fires = "# the admin without the templates and middleware it needs: only Django's checks see it\n"
                         "mkdir -p mysite && touch mysite/__init__.py\n"
                         "printf \"SECRET_KEY = 'example-key'\\nINSTALLED_APPS = ['django.contrib.admin', "
                         "'django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.messages', "
                         "'django.contrib.sessions']\\n\" > mysite/settings.py\n"
                         "deployctl check --django --settings mysite.settings .\n",
        .example_passes = "mkdir -p mysite && touch mysite/__init__.py\n"
                          "printf \"SECRET_KEY = 'example-key'\\nINSTALLED_APPS = ['django.contrib.contenttypes']\\n\" "
                          "> mysite/settings.py\n"
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
