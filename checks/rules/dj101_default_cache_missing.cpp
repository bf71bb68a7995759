// DJ101: CACHES has no 'default' entry (caches.E001).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const settings::Value caches = settings::setting_or_default(model, "CACHES");
  const django::Answer has_default = django::decide(
      sink, "CACHES", caches, [](const settings::Value& v) { return django::contains_string(v, "default"); });
  if (has_default != false) return;
  sink.report(
      "CACHES has no 'default' cache: everything that uses django.core.cache.cache (sessions with the "
      "cache backend, rate limiting, most third-party apps) fails",
      caches.origin, "CACHES");
}

}  // namespace

extern const Rule dj101_default_cache_missing;
const Rule dj101_default_cache_missing{
    RuleInfo{
        .id = "DJ101",
        .name = "default-cache-missing",
        .severity = Severity::error,
        .summary = "CACHES does not define a 'default' cache",
        .rationale = "django.core.cache.cache is the 'default' alias. Without it, every use of the default cache "
                     "raises InvalidCacheBackendError at run time.",
        .fix = "Name one of the caches 'default'.",
        .example_fires = "CACHES = {\n"
                         "    \"main\": {\"BACKEND\": \"django.core.cache.backends.locmem.LocMemCache\"},\n"
                         "}\n",
        .example_passes = "CACHES = {\n"
                          "    \"default\": {\"BACKEND\": \"django.core.cache.backends.locmem.LocMemCache\"},\n"
                          "}\n",
        .django_check = "caches.E001",
        .notes = "Runs with every `check`, not only with --deploy.",
    },
    check};

}  // namespace deployctl::checks::rules
