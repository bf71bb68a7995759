// DJ021: HSTS is on but SECURE_HSTS_PRELOAD is not True (security.W021).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!django::hsts_definitely_enabled(model, &sink)) return;
  const settings::Value preload = settings::setting_or_default(model, "SECURE_HSTS_PRELOAD");
  if (django::decide(sink, "SECURE_HSTS_PRELOAD", preload, django::is_true) != false) return;
  sink.report(django::setting_is_not(model, "SECURE_HSTS_PRELOAD", "True") +
                  ": the site cannot be submitted to the browsers' HSTS preload list",
              preload.origin, "SECURE_HSTS_PRELOAD");
}

}  // namespace

extern const Rule dj021_hsts_without_preload;
const Rule dj021_hsts_without_preload{
    RuleInfo{
        .id = "DJ021",
        .name = "hsts-without-preload",
        .severity = Severity::warning,
        .summary = "HSTS is enabled without SECURE_HSTS_PRELOAD = True",
        .rationale = "HSTS only protects a browser after its first visit. The preload list, built into browsers, "
                     "protects the very first request too, but only for sites that send the preload directive.",
        .fix = "Set SECURE_HSTS_PRELOAD = True (with SECURE_HSTS_INCLUDE_SUBDOMAINS and a long "
               "SECURE_HSTS_SECONDS) and submit the domain at hstspreload.org.",
        .example_fires = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                         "SECURE_HSTS_SECONDS = 31536000\n"
                         "SECURE_HSTS_INCLUDE_SUBDOMAINS = True\n",
        .example_passes = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                          "SECURE_HSTS_SECONDS = 31536000\n"
                          "SECURE_HSTS_INCLUDE_SUBDOMAINS = True\n"
                          "SECURE_HSTS_PRELOAD = True\n",
        .django_check = "security.W021",
        .notes = "Django requires the value to be `True` itself (`is True`).",
    },
    check};

}  // namespace deployctl::checks::rules
