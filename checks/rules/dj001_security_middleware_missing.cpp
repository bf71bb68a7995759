// DJ001: SecurityMiddleware is not installed, so the SECURE_* header and redirect settings do nothing
// (Django's security.W001).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (django::middleware_installed(model, django::security_middleware, &sink) != false) return;
  sink.report(
      "'django.middleware.security.SecurityMiddleware' is not in MIDDLEWARE, so SECURE_HSTS_SECONDS, "
      "SECURE_CONTENT_TYPE_NOSNIFF, SECURE_REFERRER_POLICY, SECURE_CROSS_ORIGIN_OPENER_POLICY and "
      "SECURE_SSL_REDIRECT have no effect",
      settings::setting_origin(model, "MIDDLEWARE"), "MIDDLEWARE");
}

}  // namespace

extern const Rule dj001_security_middleware_missing;
const Rule dj001_security_middleware_missing{
    RuleInfo{
        .id = "DJ001",
        .name = "security-middleware-missing",
        .severity = Severity::warning,
        .summary = "SecurityMiddleware is not in MIDDLEWARE",
        .rationale = "django.middleware.security.SecurityMiddleware is what sends HSTS, X-Content-Type-Options, "
                     "Referrer-Policy and Cross-Origin-Opener-Policy headers and redirects HTTP to HTTPS. Without "
                     "it every SECURE_* setting is silently ignored, whatever its value.",
        .fix = "Add 'django.middleware.security.SecurityMiddleware' at the top of MIDDLEWARE.",
        .example_fires = "MIDDLEWARE = [\n"
                         "    \"django.middleware.common.CommonMiddleware\",\n"
                         "]\n",
        .example_passes = "MIDDLEWARE = [\n"
                          "    \"django.middleware.security.SecurityMiddleware\",\n"
                          "    \"django.middleware.common.CommonMiddleware\",\n"
                          "]\n",
        .django_check = "security.W001",
        .notes = "Fires when MIDDLEWARE is not set at all (Django's default is an empty list). The old "
                 "MIDDLEWARE_CLASSES setting (Django < 2.0) is not considered.",
    },
    check};

}  // namespace deployctl::checks::rules
