// DJ013: SESSION_COOKIE_HTTPONLY is not True while the sessions app is installed (without SessionMiddleware)
// (Django's security.W013).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const auto scope = django::session_cookie_scope(model, "SESSION_COOKIE_HTTPONLY", &sink);
  if (scope != django::SessionScope::app_only) return;
  sink.report(django::setting_is_not(model, "SESSION_COOKIE_HTTPONLY", "True") +
                  ", and 'django.contrib.sessions' is in INSTALLED_APPS: JavaScript can read the session "
                  "cookie, so any cross-site scripting hole lets an attacker steal sessions",
              settings::setting_origin(model, "SESSION_COOKIE_HTTPONLY"), "SESSION_COOKIE_HTTPONLY");
}

}  // namespace

extern const Rule dj013_session_cookie_httponly_app;
const Rule dj013_session_cookie_httponly_app{
    RuleInfo{
        .id = "DJ013",
        .name = "session-cookie-not-httponly-app",
        .severity = Severity::warning,
        .summary = "SESSION_COOKIE_HTTPONLY is not True while the sessions app is installed (without "
                   "SessionMiddleware)",
        .rationale = "Without the HttpOnly flag, the session cookie is readable from JavaScript: one cross-site "
                     "scripting bug is then enough to steal every visitor's session.",
        .fix = "Remove the override (Django's default is True) or set SESSION_COOKIE_HTTPONLY = True.",
        .example_fires = "INSTALLED_APPS = [\"django.contrib.contenttypes\", \"django.contrib.sessions\"]\n"
                         "SESSION_COOKIE_HTTPONLY = False\n",
        .example_passes = "INSTALLED_APPS = [\"django.contrib.contenttypes\", \"django.contrib.sessions\"]\n"
                          "SESSION_COOKIE_HTTPONLY = True\n",
        .django_check = "security.W013",
        .notes = "Django reports security.W013 when only the sessions app is installed; with only the middleware it "
                 "reports the next warning, and with both a single combined one (DJ015/security.W015). Since Django "
                 "4.1 the setting must be `True` itself (`is True`); Django 3.2 to 4.0 accepted any truthy value "
                 "such as 1 or \"yes\".",
    },
    check};

}  // namespace deployctl::checks::rules
