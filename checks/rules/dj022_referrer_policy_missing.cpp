// DJ022: SecurityMiddleware is installed but SECURE_REFERRER_POLICY is None (security.W022).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!django::definitely(django::middleware_installed(model, django::security_middleware, &sink))) return;
  const settings::Value policy = settings::setting_or_default(model, "SECURE_REFERRER_POLICY");
  if (!django::definitely(django::decide(sink, "SECURE_REFERRER_POLICY", policy, django::is_none))) return;
  sink.report(django::setting_state(model, "SECURE_REFERRER_POLICY") +
                  ": no Referrer-Policy header is sent, so full URLs (with their query strings) leak to other sites",
              policy.origin, "SECURE_REFERRER_POLICY");
}

}  // namespace

extern const Rule dj022_referrer_policy_missing;
const Rule dj022_referrer_policy_missing{
    RuleInfo{
        .id = "DJ022",
        .name = "referrer-policy-missing",
        .severity = Severity::warning,
        .summary = "SECURE_REFERRER_POLICY is None, so no Referrer-Policy header is sent",
        .rationale = "Without a Referrer-Policy the browser's default decides what other sites learn about the "
                     "page a visitor came from, which can include tokens or personal data in URLs.",
        .fix = "Remove the override (Django's default is 'same-origin') or set SECURE_REFERRER_POLICY, e.g. to "
               "\"strict-origin-when-cross-origin\".",
        .example_fires = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                         "SECURE_REFERRER_POLICY = None\n",
        .example_passes = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                          "SECURE_REFERRER_POLICY = \"same-origin\"\n",
        .django_check = "security.W022",
        .notes = "The default has been 'same-origin' since Django 3.1. In Django 2.x, security.W022 had another "
                 "meaning (an invalid SECRET_KEY).",
    },
    check};

}  // namespace deployctl::checks::rules
