// DJ102: a file-based cache lives inside, at, or around MEDIA_ROOT, STATIC_ROOT or a STATICFILES_DIRS entry
// (caches.W002).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace deployctl::checks::rules {
namespace {

using settings::Value;

// A path normalised the way os.path.abspath would, without knowing the working directory: relative paths stay
// relative (and are only comparable with each other).
struct NormalPath {
  bool absolute = false;
  std::vector<std::string> parts;

  std::string text() const {
    std::string out = absolute ? "/" : "";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
    return out.empty() ? "." : out;
  }
};

std::optional<NormalPath> normalise(const Value& value) {
  if (value.kind != Value::Kind::string && value.kind != Value::Kind::path) return std::nullopt;
  NormalPath path;
  path.absolute = value.text.starts_with('/');
  std::size_t start = 0;
  while (start <= value.text.size()) {
    const std::size_t slash = std::min(value.text.find('/', start), value.text.size());
    const std::string part = value.text.substr(start, slash - start);
    start = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == ".." && !path.parts.empty() && path.parts.back() != "..") {
      path.parts.pop_back();
    } else if (part == ".." && path.absolute) {
      continue;  // "/.." is "/"
    } else {
      path.parts.push_back(part);
    }
  }
  return path;
}

bool starts_with(const NormalPath& longer, const NormalPath& prefix) {
  if (prefix.parts.size() >= longer.parts.size()) return false;
  for (std::size_t i = 0; i < prefix.parts.size(); ++i)
    if (prefix.parts[i] != longer.parts[i]) return false;
  return true;
}

// Django's wording for how the cache directory relates to a served directory; "" when unrelated, nullopt when it
// cannot be known (a relative path against an absolute one depends on the working directory).
std::optional<std::string> relation(const NormalPath& cache, const NormalPath& served) {
  if (cache.absolute != served.absolute) return std::nullopt;
  if (cache.parts == served.parts) return std::string("matches");
  if (starts_with(cache, served)) return std::string("is inside");
  if (starts_with(served, cache)) return std::string("contains");
  return std::string();
}

// The directories one setting makes public; nullopt when any of them cannot be known.
std::optional<std::vector<NormalPath>> served_paths(const Value& setting, bool is_staticfiles_dirs) {
  std::vector<NormalPath> paths;
  if (!is_staticfiles_dirs) {
    const auto path = normalise(setting);
    if (!path) return std::nullopt;
    paths.push_back(*path);
    return paths;
  }
  if (!setting.is_sequence()) return std::nullopt;
  for (const Value& entry : setting.items) {
    const Value* directory = &entry;
    if (entry.kind == Value::Kind::list || entry.kind == Value::Kind::tuple) {
      if (entry.items.size() != 2) return std::nullopt;  // (prefix, path) unpacking would fail
      directory = &entry.items[1];
    }
    const auto path = normalise(*directory);
    if (!path) return std::nullopt;
    paths.push_back(*path);
  }
  return paths;
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const Value caches = settings::setting_or_default(model, "CACHES");
  if (caches.kind != Value::Kind::dict) return;
  for (const std::string_view name : std::array<std::string_view, 3>{"MEDIA_ROOT", "STATIC_ROOT", "STATICFILES_DIRS"}) {
    const Value setting = settings::setting_or_default(model, name);
    if (setting.truthy() != true) continue;  // Django skips falsy values; unknown ones we cannot judge
    const auto served = served_paths(setting, name == "STATICFILES_DIRS");
    for (const auto& [alias, config] : caches.entries) {
      if (!alias.is_string() || config.kind != Value::Kind::dict) continue;
      const Value* backend = config.get("BACKEND");
      if (!backend || !backend->is_string() || backend->text != django::file_based_cache) continue;
      const Value* location = config.get("LOCATION");
      const std::optional<NormalPath> cache = location ? normalise(*location) : normalise(Value::from_string(""));
      if (!cache || !served) continue;
      // Django takes the first relation that holds for any served path: matches, then is inside, then contains.
      std::optional<std::string> found;
      for (const std::string_view wanted : {"matches", "is inside", "contains"}) {
        for (const NormalPath& path : *served)
          if (const auto r = relation(*cache, path); r && *r == wanted) found = std::string(wanted);
        if (found) break;
      }
      if (!found) continue;
      sink.report("CACHES['" + alias.text + "'] stores its files at '" + cache->text() + "', which " + *found + " " +
                      std::string(name) +
                      ": cached data may be served to anyone, or collectstatic and uploads "
                      "may corrupt the cache",
                  location && !location->origin.file.empty() ? location->origin : caches.origin, "CACHES");
    }
  }
}

}  // namespace

extern const Rule dj102_cache_location_exposed;
const Rule dj102_cache_location_exposed{
    RuleInfo{
        .id = "DJ102",
        .name = "cache-location-exposed",
        .severity = Severity::warning,
        .summary = "A file-based cache is stored in (or around) a directory that is served publicly",
        .rationale = "Files under MEDIA_ROOT, STATIC_ROOT and STATICFILES_DIRS are served to anyone. A file-based "
                     "cache there exposes cached data (often pages or session data), and collectstatic or user "
                     "uploads can overwrite cache files.",
        .fix = "Move the cache LOCATION outside every served directory, e.g. BASE_DIR / \"var\" / \"cache\".",
        .example_fires = "from pathlib import Path\n"
                         "\n"
                         "BASE_DIR = Path(\"/srv/mysite\")\n"
                         "STATIC_ROOT = BASE_DIR / \"static\"\n"
                         "CACHES = {\n"
                         "    \"default\": {\n"
                         "        \"BACKEND\": \"django.core.cache.backends.filebased.FileBasedCache\",\n"
                         "        \"LOCATION\": BASE_DIR / \"static\" / \"cache\",\n"
                         "    },\n"
                         "}\n",
        .example_passes = "from pathlib import Path\n"
                          "\n"
                          "BASE_DIR = Path(\"/srv/mysite\")\n"
                          "STATIC_ROOT = BASE_DIR / \"static\"\n"
                          "CACHES = {\n"
                          "    \"default\": {\n"
                          "        \"BACKEND\": \"django.core.cache.backends.filebased.FileBasedCache\",\n"
                          "        \"LOCATION\": BASE_DIR / \"var\" / \"cache\",\n"
                          "    },\n"
                          "}\n",
        .django_check = "caches.W002",
        .notes = "Paths are compared lexically: Django also resolves symbolic links, which a static analysis "
                 "cannot see. A relative path compared with an absolute one depends on the working directory; "
                 "the rule is silent then. Only Django's own FileBasedCache is recognised.",
    },
    check};

}  // namespace deployctl::checks::rules
