// DJ008: SECURE_SSL_REDIRECT is not True, so plain-HTTP requests are served as they are (security.W008).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!django::definitely(django::middleware_installed(model, django::security_middleware, &sink))) return;
  const settings::Value redirect = settings::setting_or_default(model, "SECURE_SSL_REDIRECT");
  if (django::decide(sink, "SECURE_SSL_REDIRECT", redirect, django::is_true) != false) return;
  sink.report(django::setting_is_not(model, "SECURE_SSL_REDIRECT", "True") +
                  ": Django serves plain-HTTP requests instead of redirecting them to HTTPS",
              redirect.origin, "SECURE_SSL_REDIRECT");
}

}  // namespace

extern const Rule dj008_ssl_redirect_disabled;
const Rule dj008_ssl_redirect_disabled{
    RuleInfo{
        .id = "DJ008",
        .name = "ssl-redirect-disabled",
        .severity = Severity::warning,
        .summary = "SECURE_SSL_REDIRECT is not True",
        .rationale = "Unless the load balancer or reverse proxy already redirects every HTTP request to HTTPS, "
                     "pages (and cookies without the Secure flag) travel in clear text.",
        .fix = "Set SECURE_SSL_REDIRECT = True, or redirect HTTP to HTTPS in the proxy (and set "
               "SECURE_PROXY_SSL_HEADER so Django knows which requests were HTTPS).",
        .example_fires = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n",
        .example_passes = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                          "SECURE_SSL_REDIRECT = True\n",
        .django_check = "security.W008",
        .notes = "Django requires the value to be `True` itself. Django warns even when the proxy does the "
                 "redirect; silence the rule then.",
    },
    check};

}  // namespace deployctl::checks::rules
