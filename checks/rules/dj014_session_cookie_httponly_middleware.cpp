// DJ014: SESSION_COOKIE_HTTPONLY is not True while SessionMiddleware is installed (without the sessions app)
// (Django's security.W014).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const auto scope = django::session_cookie_scope(model, "SESSION_COOKIE_HTTPONLY", &sink);
  if (scope != django::SessionScope::middleware_only) return;
  sink.report(django::setting_is_not(model, "SESSION_COOKIE_HTTPONLY", "True") +
                  ", and 'django.contrib.sessions.middleware.SessionMiddleware' is in MIDDLEWARE: "
                  "JavaScript can read the session cookie, so any cross-site scripting hole lets an attacker steal "
                  "sessions",
              settings::setting_origin(model, "SESSION_COOKIE_HTTPONLY"), "SESSION_COOKIE_HTTPONLY");
}

}  // namespace

extern const Rule dj014_session_cookie_httponly_middleware;
const Rule dj014_session_cookie_httponly_middleware{
    RuleInfo{
        .id = "DJ014",
        .name = "session-cookie-not-httponly-middleware",
        .severity = Severity::warning,
        .summary = "SESSION_COOKIE_HTTPONLY is not True while SessionMiddleware is installed (without the sessions "
                   "app)",
        .rationale = "Without the HttpOnly flag, the session cookie is readable from JavaScript: one cross-site "
                     "scripting bug is then enough to steal every visitor's session.",
        .fix = "Remove the override (Django's default is True) or set SESSION_COOKIE_HTTPONLY = True.",
        .example_fires = "MIDDLEWARE = [\"django.contrib.sessions.middleware.SessionMiddleware\"]\n"
                         "SESSION_COOKIE_HTTPONLY = False\n",
        .example_passes = "MIDDLEWARE = [\"django.contrib.sessions.middleware.SessionMiddleware\"]\n"
                          "SESSION_COOKIE_HTTPONLY = True\n",
        .django_check = "security.W014",
        .notes = "Django reports security.W014 when only SessionMiddleware is installed; with both it reports the "
                 "combined DJ015/security.W015 instead. Since Django 4.1 the setting must be `True` itself (`is "
                 "True`); Django 3.2 to 4.0 accepted any truthy value such as 1 or \"yes\".",
    },
    check};

}  // namespace deployctl::checks::rules
