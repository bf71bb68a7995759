// DJ025: an entry of SECRET_KEY_FALLBACKS is empty, short, repetitive or a startproject key (security.W025).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

#include <vector>

namespace deployctl::checks::rules {
namespace {

const settings::Origin& where(const settings::Value& entry, const settings::Value& setting) {
  return entry.origin.file.empty() ? setting.origin : entry.origin;
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const settings::Value fallbacks = settings::setting_or_default(model, "SECRET_KEY_FALLBACKS");
  if (!fallbacks.is_known()) return;
  if (fallbacks.kind == settings::Value::Kind::string) {
    // Django iterates a str character by character: every character is a (weak) one-character key.
    if (fallbacks.text.empty()) return;
    sink.report(
        "SECRET_KEY_FALLBACKS is a string, not a list: Django checks each of its characters as a "
        "one-character key and every one is too weak",
        fallbacks.origin, "SECRET_KEY_FALLBACKS");
    return;
  }
  std::vector<const settings::Value*> entries;
  if (fallbacks.is_sequence()) {
    for (const settings::Value& entry : fallbacks.items) entries.push_back(&entry);
  } else if (fallbacks.kind == settings::Value::Kind::dict) {
    for (const auto& [key, unused] : fallbacks.entries) entries.push_back(&key);
  }
  for (std::size_t index = 0; index < entries.size(); ++index) {
    const settings::Value& entry = *entries[index];
    // Unlike SECRET_KEY, an entry is not read through settings: an empty string is simply too short.
    const auto verdict = entry.is_known() ? django::judge_secret_key(entry) : std::nullopt;
    if (!verdict || !verdict->weak) continue;
    sink.report("SECRET_KEY_FALLBACKS[" + std::to_string(index) + "] " + verdict->why +
                    ": data signed with it can be forged, and Django still accepts it",
                where(entry, fallbacks), "SECRET_KEY_FALLBACKS");
  }
}

}  // namespace

extern const Rule dj025_weak_secret_key_fallback;
const Rule dj025_weak_secret_key_fallback{
    RuleInfo{
        .id = "DJ025",
        .name = "weak-secret-key-fallback",
        .severity = Severity::warning,
        .summary = "An entry of SECRET_KEY_FALLBACKS is shorter than 50 characters, has fewer than 5 distinct "
                   "characters, or starts with 'django-insecure-'",
        .rationale = "Django accepts signatures made with any key in SECRET_KEY_FALLBACKS, so a weak fallback key "
                     "is as dangerous as a weak SECRET_KEY: sessions and password reset tokens signed with it "
                     "can be forged.",
        .fix = "Rotate: keep only the previous strong SECRET_KEY in SECRET_KEY_FALLBACKS, and drop it once "
               "sessions signed with it have expired.",
        .example_fires = "SECRET_KEY_FALLBACKS = [\"old-and-short\"]\n",
        .example_passes = "SECRET_KEY_FALLBACKS = [\"q9#c!w2v@z0-4kq1^x7b8m$n3p5r6s_t(u)y*e&h+j=l%d~a{f}g[i]o|\"]\n",
        .django_check = "security.W025",
        .notes = "Django >= 4.1 (SECRET_KEY_FALLBACKS did not exist before). One finding per weak entry, as "
                 "Django gives one warning per index. Entries that are not strings would crash Django's check; "
                 "unknown entries are skipped.",
        .concerns_secret = true,
    },
    check};

}  // namespace deployctl::checks::rules
