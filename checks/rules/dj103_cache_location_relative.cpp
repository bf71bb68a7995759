// DJ103: a file-based cache has a relative LOCATION (caches.W003).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

using settings::Value;

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const Value caches = settings::setting_or_default(model, "CACHES");
  if (caches.kind != Value::Kind::dict) return;
  for (const auto& [alias, config] : caches.entries) {
    if (!alias.is_string() || config.kind != Value::Kind::dict) continue;
    const Value* backend = config.get("BACKEND");
    if (!backend || !backend->is_string() || backend->text != django::file_based_cache) continue;
    const Value* location = config.get("LOCATION");
    if (!location || (location->kind != Value::Kind::string && location->kind != Value::Kind::path)) continue;
    if (location->text.starts_with('/')) continue;
    sink.report("CACHES['" + alias.text + "'] is a file-based cache whose LOCATION '" + location->text +
                    "' is relative: it depends on the directory the server happens to start in",
                location->origin.file.empty() ? caches.origin : location->origin, "CACHES");
  }
}

}  // namespace

extern const Rule dj103_cache_location_relative;
const Rule dj103_cache_location_relative{
    RuleInfo{
        .id = "DJ103",
        .name = "cache-location-relative",
        .severity = Severity::warning,
        .summary = "A file-based cache has a relative LOCATION",
        .rationale = "A relative LOCATION is resolved against the working directory of whichever process uses the "
                     "cache: the web server, a worker and manage.py may each write a different cache.",
        .fix = "Use an absolute path, e.g. BASE_DIR / \"cache\" or \"/var/tmp/django_cache\".",
        .example_fires = "CACHES = {\n"
                         "    \"default\": {\n"
                         "        \"BACKEND\": \"django.core.cache.backends.filebased.FileBasedCache\",\n"
                         "        \"LOCATION\": \"cache\",\n"
                         "    },\n"
                         "}\n",
        .example_passes = "CACHES = {\n"
                          "    \"default\": {\n"
                          "        \"BACKEND\": \"django.core.cache.backends.filebased.FileBasedCache\",\n"
                          "        \"LOCATION\": \"/var/tmp/django_cache\",\n"
                          "    },\n"
                          "}\n",
        .django_check = "caches.W003",
        .notes = "Runs with every `check`, not only with --deploy. Only Django's own FileBasedCache is "
                 "recognised (a subclass named by a project path is not). A cache without LOCATION crashes "
                 "Django's check; the rule is silent then.",
    },
    check};

}  // namespace deployctl::checks::rules
