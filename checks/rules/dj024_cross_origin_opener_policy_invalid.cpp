// DJ024: SECURE_CROSS_ORIGIN_OPENER_POLICY holds a value browsers do not know (security.E024).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

using settings::Value;

// `value not in CROSS_ORIGIN_OPENER_POLICY_VALUES` for a value that is not None; nullopt when unknown or when
// the set lookup would raise TypeError (unhashable values).
django::Answer policy_invalid(const Value& policy) {
  switch (policy.kind) {
    case Value::Kind::none: return false;  // None means: send no header
    case Value::Kind::string:
      return policy.text != "same-origin" && policy.text != "same-origin-allow-popups" && policy.text != "unsafe-none";
    case Value::Kind::boolean:
    case Value::Kind::integer:
    case Value::Kind::floating:
    case Value::Kind::bytes:
    case Value::Kind::path: return true;
    default: return std::nullopt;  // unknown, containers (unhashable or of unknown hashability), objects
  }
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!django::definitely(django::middleware_installed(model, django::security_middleware, &sink))) return;
  const Value policy = settings::setting_or_default(model, "SECURE_CROSS_ORIGIN_OPENER_POLICY");
  if (!django::definitely(django::decide(sink, "SECURE_CROSS_ORIGIN_OPENER_POLICY", policy, policy_invalid))) return;
  sink.report(django::setting_state(model, "SECURE_CROSS_ORIGIN_OPENER_POLICY") +
                  ", which is not a valid Cross-Origin-Opener-Policy (valid values: same-origin, "
                  "same-origin-allow-popups, unsafe-none)",
              policy.origin, "SECURE_CROSS_ORIGIN_OPENER_POLICY");
}

}  // namespace

extern const Rule dj024_cross_origin_opener_policy_invalid;
const Rule dj024_cross_origin_opener_policy_invalid{
    RuleInfo{
        .id = "DJ024",
        .name = "cross-origin-opener-policy-invalid",
        .severity = Severity::error,
        .summary = "SECURE_CROSS_ORIGIN_OPENER_POLICY holds an invalid value",
        .rationale = "Browsers ignore a Cross-Origin-Opener-Policy header with an unknown value, leaving your "
                     "windows reachable from cross-origin pages they open or are opened by.",
        .fix = "Use \"same-origin\" (Django's default), \"same-origin-allow-popups\" or \"unsafe-none\", or None "
               "to send no header.",
        .example_fires = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                         "SECURE_CROSS_ORIGIN_OPENER_POLICY = \"same_origin\"\n",
        .example_passes = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                          "SECURE_CROSS_ORIGIN_OPENER_POLICY = \"same-origin-allow-popups\"\n",
        .django_check = "security.E024",
        .notes = "Django >= 4.0 (the setting did not exist before). Unhashable values crash Django's check; the "
                 "rule is silent then.",
    },
    check};

}  // namespace deployctl::checks::rules
