// DJ026: SECURE_CSP or SECURE_CSP_REPORT_ONLY is neither a dict nor None (security.E026, Django 6.0).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

#include <array>

namespace deployctl::checks::rules {
namespace {

using settings::Value;

// `value is not None and not isinstance(value, dict)`; nullopt for unknown values and objects (which might
// be dict subclasses).
django::Answer not_a_dict(const Value& value) {
  if (value.kind == Value::Kind::unknown || value.kind == Value::Kind::object) return std::nullopt;
  return value.kind != Value::Kind::none && value.kind != Value::Kind::dict;
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  for (const std::string_view name : std::array<std::string_view, 2>{"SECURE_CSP", "SECURE_CSP_REPORT_ONLY"}) {
    const Value policy = settings::setting_or_default(model, name);
    if (!django::definitely(django::decide(sink, name, policy, not_a_dict))) continue;
    sink.report(django::setting_state(model, name) +
                    ": Django's Content Security Policy settings must be a dict of directives (or None)",
                policy.origin, std::string(name));
  }
}

}  // namespace

extern const Rule dj026_csp_setting_not_dict;
const Rule dj026_csp_setting_not_dict{
    RuleInfo{
        .id = "DJ026",
        .name = "csp-setting-not-dict",
        .severity = Severity::error,
        .summary = "SECURE_CSP or SECURE_CSP_REPORT_ONLY is not a dict",
        .rationale = "Django's ContentSecurityPolicyMiddleware builds the header from a dict mapping directives to "
                     "sources. A header string written by hand (the django-csp habit) is not understood, so no "
                     "policy is sent.",
        .fix = "Write the policy as a dict, e.g. SECURE_CSP = {\"default-src\": [CSP.SELF]} (from "
               "django.utils.csp import CSP).",
        .example_fires = "SECURE_CSP = \"default-src 'self'\"\n",
        .example_passes = "SECURE_CSP = {\"default-src\": [\"'self'\"]}\n",
        .django_check = "security.E026",
        .notes = "Django >= 6.0, where the check runs with every `check`, not only with --deploy. Earlier "
                 "versions have no built-in CSP and no such check.",
    },
    check};

}  // namespace deployctl::checks::rules
