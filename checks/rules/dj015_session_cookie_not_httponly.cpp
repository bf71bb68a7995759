// DJ015: SESSION_COOKIE_HTTPONLY is not True while sessions are enabled (Django's security.W015).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const auto scope = django::session_cookie_scope(model, "SESSION_COOKIE_HTTPONLY", &sink);
  if (scope != django::SessionScope::both) return;
  sink.report(django::setting_is_not(model, "SESSION_COOKIE_HTTPONLY", "True") +
                  ", and sessions are enabled (the sessions app and SessionMiddleware are installed): "
                  "JavaScript can read the session cookie, so any cross-site scripting hole lets an attacker steal "
                  "sessions",
              settings::setting_origin(model, "SESSION_COOKIE_HTTPONLY"), "SESSION_COOKIE_HTTPONLY");
}

}  // namespace

extern const Rule dj015_session_cookie_not_httponly;
const Rule dj015_session_cookie_not_httponly{
    RuleInfo{
        .id = "DJ015",
        .name = "session-cookie-not-httponly",
        .severity = Severity::warning,
        .summary = "SESSION_COOKIE_HTTPONLY is not True while sessions are enabled",
        .rationale = "Without the HttpOnly flag, the session cookie is readable from JavaScript: one cross-site "
                     "scripting bug is then enough to steal every visitor's session.",
        .fix = "Remove the override (Django's default is True) or set SESSION_COOKIE_HTTPONLY = True.",
        .example_fires = "INSTALLED_APPS = [\"django.contrib.contenttypes\", \"django.contrib.sessions\"]\n"
                         "MIDDLEWARE = [\"django.contrib.sessions.middleware.SessionMiddleware\"]\n"
                         "SESSION_COOKIE_HTTPONLY = False\n",
        .example_passes = "INSTALLED_APPS = [\"django.contrib.contenttypes\", \"django.contrib.sessions\"]\n"
                          "MIDDLEWARE = [\"django.contrib.sessions.middleware.SessionMiddleware\"]\n"
                          "SESSION_COOKIE_HTTPONLY = True\n",
        .django_check = "security.W015",
        .notes = "Django reports this combined warning instead of W013 and W014 when both the sessions app and "
                 "SessionMiddleware are installed. Since Django 4.1 the setting must be `True` itself (`is True`); "
                 "Django 3.2 to 4.0 accepted any truthy value such as 1 or \"yes\".",
    },
    check};

}  // namespace deployctl::checks::rules
