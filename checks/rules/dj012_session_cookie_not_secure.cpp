// DJ012: SESSION_COOKIE_SECURE is not True while sessions are enabled (Django's security.W012).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const auto scope = django::session_cookie_scope(model, "SESSION_COOKIE_SECURE", &sink);
  if (scope != django::SessionScope::both) return;
  sink.report(django::setting_is_not(model, "SESSION_COOKIE_SECURE", "True") +
                  ", and sessions are enabled (the sessions app and SessionMiddleware are installed): the "
                  "session cookie is also sent over plain HTTP, where network sniffers can steal it and hijack the "
                  "session",
              settings::setting_origin(model, "SESSION_COOKIE_SECURE"), "SESSION_COOKIE_SECURE");
}

}  // namespace

extern const Rule dj012_session_cookie_not_secure;
const Rule dj012_session_cookie_not_secure{
    RuleInfo{
        .id = "DJ012",
        .name = "session-cookie-not-secure",
        .severity = Severity::warning,
        .summary = "SESSION_COOKIE_SECURE is not True while sessions are enabled",
        .rationale = "A session cookie without the Secure flag is sent on any plain-HTTP request to the site (a "
                     "mistyped http:// link is enough), where anyone on the network can read it and log in as the "
                     "user.",
        .fix = "Set SESSION_COOKIE_SECURE = True (the site must be served over HTTPS).",
        .example_fires = "INSTALLED_APPS = [\"django.contrib.contenttypes\", \"django.contrib.sessions\"]\n"
                         "MIDDLEWARE = [\"django.contrib.sessions.middleware.SessionMiddleware\"]\n",
        .example_passes = "INSTALLED_APPS = [\"django.contrib.contenttypes\", \"django.contrib.sessions\"]\n"
                          "MIDDLEWARE = [\"django.contrib.sessions.middleware.SessionMiddleware\"]\n"
                          "SESSION_COOKIE_SECURE = True\n",
        .django_check = "security.W012",
        .notes = "Django reports this combined warning instead of W010 and W011 when both the sessions app and "
                 "SessionMiddleware are installed. Since Django 4.1 the setting must be `True` itself (`is True`); "
                 "Django 3.2 to 4.0 accepted any truthy value such as 1 or \"yes\".",
    },
    check};

}  // namespace deployctl::checks::rules
