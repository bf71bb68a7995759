// DJ011: SESSION_COOKIE_SECURE is not True while SessionMiddleware is installed (without the sessions app) (Django's
// security.W011).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const auto scope = django::session_cookie_scope(model, "SESSION_COOKIE_SECURE", &sink);
  if (scope != django::SessionScope::middleware_only) return;
  sink.report(django::setting_is_not(model, "SESSION_COOKIE_SECURE", "True") +
                  ", and 'django.contrib.sessions.middleware.SessionMiddleware' is in MIDDLEWARE: the "
                  "session cookie is also sent over plain HTTP, where network sniffers can steal it and hijack the "
                  "session",
              settings::setting_origin(model, "SESSION_COOKIE_SECURE"), "SESSION_COOKIE_SECURE");
}

}  // namespace

extern const Rule dj011_session_cookie_not_secure_middleware;
const Rule dj011_session_cookie_not_secure_middleware{
    RuleInfo{
        .id = "DJ011",
        .name = "session-cookie-not-secure-middleware",
        .severity = Severity::warning,
        .summary = "SESSION_COOKIE_SECURE is not True while SessionMiddleware is installed (without the sessions app)",
        .rationale = "A session cookie without the Secure flag is sent on any plain-HTTP request to the site (a "
                     "mistyped http:// link is enough), where anyone on the network can read it and log in as the "
                     "user.",
        .fix = "Set SESSION_COOKIE_SECURE = True (the site must be served over HTTPS).",
        .example_fires = "MIDDLEWARE = [\"django.contrib.sessions.middleware.SessionMiddleware\"]\n",
        .example_passes = "MIDDLEWARE = [\"django.contrib.sessions.middleware.SessionMiddleware\"]\n"
                          "SESSION_COOKIE_SECURE = True\n",
        .django_check = "security.W011",
        .notes = "Django reports security.W011 when only SessionMiddleware is installed; with both it reports the "
                 "combined DJ012/security.W012 instead. Since Django 4.1 the setting must be `True` itself (`is "
                 "True`); Django 3.2 to 4.0 accepted any truthy value such as 1 or \"yes\".",
    },
    check};

}  // namespace deployctl::checks::rules
