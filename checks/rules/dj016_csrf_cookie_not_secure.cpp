// DJ016: CsrfViewMiddleware is installed but CSRF_COOKIE_SECURE is not True (security.W016).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  // With CSRF_USE_SESSIONS the token lives in the session, not in a cookie of its own.
  if (django::decide(sink, "CSRF_USE_SESSIONS", settings::setting_or_default(model, "CSRF_USE_SESSIONS"),
                     django::truthy) != false)
    return;
  if (!django::definitely(django::middleware_installed(model, django::csrf_middleware, &sink))) return;
  const settings::Value secure = settings::setting_or_default(model, "CSRF_COOKIE_SECURE");
  if (django::decide(sink, "CSRF_COOKIE_SECURE", secure, django::is_true) != false) return;
  sink.report(django::setting_is_not(model, "CSRF_COOKIE_SECURE", "True") +
                  ", while CsrfViewMiddleware is installed: the CSRF cookie is also sent over plain "
                  "HTTP, where network sniffers can read the token",
              secure.origin, "CSRF_COOKIE_SECURE");
}

}  // namespace

extern const Rule dj016_csrf_cookie_not_secure;
const Rule dj016_csrf_cookie_not_secure{
    RuleInfo{
        .id = "DJ016",
        .name = "csrf-cookie-not-secure",
        .severity = Severity::warning,
        .summary = "CSRF_COOKIE_SECURE is not True while CsrfViewMiddleware is installed",
        .rationale = "A CSRF cookie without the Secure flag travels on plain-HTTP requests too; an attacker who "
                     "reads it on the network can forge requests that pass the CSRF check.",
        .fix = "Set CSRF_COOKIE_SECURE = True (or CSRF_USE_SESSIONS = True to keep the token in the session).",
        .example_fires = "MIDDLEWARE = [\"django.middleware.csrf.CsrfViewMiddleware\"]\n",
        .example_passes = "MIDDLEWARE = [\"django.middleware.csrf.CsrfViewMiddleware\"]\n"
                          "CSRF_COOKIE_SECURE = True\n",
        .django_check = "security.W016",
        .notes = "Since Django 4.1 the setting must be `True` itself (`is True`); Django 3.2 to 4.0 accepted any "
                 "truthy value. Silent when CSRF_USE_SESSIONS is truthy.",
    },
    check};

}  // namespace deployctl::checks::rules
