// DJ004: SecurityMiddleware is installed but SECURE_HSTS_SECONDS is 0 or unset, so no HSTS header is sent
// (security.W004).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!django::definitely(django::middleware_installed(model, django::security_middleware, &sink))) return;
  const settings::Value seconds = settings::setting_or_default(model, "SECURE_HSTS_SECONDS");
  if (django::decide(sink, "SECURE_HSTS_SECONDS", seconds, django::truthy) != false) return;
  sink.report(django::setting_state(model, "SECURE_HSTS_SECONDS") +
                  ": browsers are not told to use HTTPS only (HTTP Strict Transport Security)",
              seconds.origin, "SECURE_HSTS_SECONDS");
}

}  // namespace

extern const Rule dj004_hsts_not_enabled;
const Rule dj004_hsts_not_enabled{
    RuleInfo{
        .id = "DJ004",
        .name = "hsts-not-enabled",
        .severity = Severity::warning,
        .summary = "SECURE_HSTS_SECONDS is not set, so no Strict-Transport-Security header is sent",
        .rationale = "Without HSTS a user who types the bare domain, or follows an http:// link, makes a first "
                     "request in clear text that an attacker on the network can intercept and redirect. HSTS "
                     "tells browsers to use HTTPS for the domain for the given number of seconds. Enable it "
                     "carefully: start with a small value (e.g. 3600) and raise it once HTTPS works everywhere, "
                     "because browsers remember it.",
        .fix = "Set SECURE_HSTS_SECONDS to a positive number of seconds (start small, e.g. 3600, then 31536000).",
        .example_fires = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                         "SECURE_HSTS_SECONDS = 0\n",
        .example_passes = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                          "SECURE_HSTS_SECONDS = 3600\n",
        .django_check = "security.W004",
        .notes = "Django tests truthiness: a string such as \"0\" counts as set (and then DJ005/DJ021 apply). "
                 "Silent when SecurityMiddleware is not installed (DJ001 reports that).",
    },
    check};

}  // namespace deployctl::checks::rules
