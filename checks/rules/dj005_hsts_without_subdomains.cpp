// DJ005: HSTS is on but SECURE_HSTS_INCLUDE_SUBDOMAINS is not True (security.W005).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!django::hsts_definitely_enabled(model, &sink)) return;
  const settings::Value subdomains = settings::setting_or_default(model, "SECURE_HSTS_INCLUDE_SUBDOMAINS");
  if (django::decide(sink, "SECURE_HSTS_INCLUDE_SUBDOMAINS", subdomains, django::is_true) != false) return;
  sink.report(django::setting_is_not(model, "SECURE_HSTS_INCLUDE_SUBDOMAINS", "True") +
                  ": HSTS does not cover subdomains, which stay open to attacks over plain HTTP",
              subdomains.origin, "SECURE_HSTS_INCLUDE_SUBDOMAINS");
}

}  // namespace

extern const Rule dj005_hsts_without_subdomains;
const Rule dj005_hsts_without_subdomains{
    RuleInfo{
        .id = "DJ005",
        .name = "hsts-without-subdomains",
        .severity = Severity::warning,
        .summary = "HSTS is enabled without SECURE_HSTS_INCLUDE_SUBDOMAINS = True",
        .rationale = "Without includeSubDomains, an attacker can serve a subdomain over plain HTTP and use it to "
                     "set or read cookies for the parent domain. Only set it when every subdomain is served "
                     "over HTTPS.",
        .fix = "Set SECURE_HSTS_INCLUDE_SUBDOMAINS = True once every subdomain is HTTPS-only.",
        .example_fires = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                         "SECURE_HSTS_SECONDS = 31536000\n",
        .example_passes = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                          "SECURE_HSTS_SECONDS = 31536000\n"
                          "SECURE_HSTS_INCLUDE_SUBDOMAINS = True\n",
        .django_check = "security.W005",
        .notes = "Django requires the value to be `True` itself (`is True`): 1 or \"true\" still fire.",
    },
    check};

}  // namespace deployctl::checks::rules
