// DJ140: an entry of CSRF_TRUSTED_ORIGINS has no scheme (4_0.E001).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

using settings::Value;

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const Value origins = settings::setting_or_default(model, "CSRF_TRUSTED_ORIGINS");
  if (origins.kind == Value::Kind::string) {
    // Django iterates a str character by character, and no single character contains "://".
    if (origins.text.empty()) return;
    sink.report(
        "CSRF_TRUSTED_ORIGINS is a string, not a list: Django reads each character as an origin, and "
        "none has a scheme",
        origins.origin, "CSRF_TRUSTED_ORIGINS");
    return;
  }
  if (!origins.is_sequence()) return;
  for (const Value& origin : origins.items) {
    if (!origin.is_string() || origin.text.find("://") != std::string::npos) continue;
    sink.report("CSRF_TRUSTED_ORIGINS contains '" + origin.text +
                    "', which has no scheme: since Django 4.0 entries must look like 'https://" + origin.text +
                    "', and this one never matches",
                origin.origin.file.empty() ? origins.origin : origin.origin, "CSRF_TRUSTED_ORIGINS");
  }
}

}  // namespace

extern const Rule dj140_csrf_trusted_origin_without_scheme;
const Rule dj140_csrf_trusted_origin_without_scheme{
    RuleInfo{
        .id = "DJ140",
        .name = "csrf-trusted-origin-without-scheme",
        .severity = Severity::error,
        .summary = "An entry of CSRF_TRUSTED_ORIGINS does not start with a scheme",
        .rationale = "Since Django 4.0, CSRF_TRUSTED_ORIGINS holds origins ('https://example.com'), not bare host "
                     "names. An entry without a scheme matches nothing, so the cross-origin POSTs it was meant to "
                     "allow fail with 403.",
        .fix = "Write each entry with its scheme: \"https://example.com\" (wildcards: \"https://*.example.com\").",
        .example_fires = "CSRF_TRUSTED_ORIGINS = [\"example.com\"]\n",
        .example_passes = "CSRF_TRUSTED_ORIGINS = [\"https://example.com\"]\n",
        .django_check = "4_0.E001",
        .notes = "Django >= 4.0 (a compatibility check that runs with every `check`). Django 3.2 expected bare "
                 "host names and has no such check.",
    },
    check};

}  // namespace deployctl::checks::rules
