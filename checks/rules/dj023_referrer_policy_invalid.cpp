// DJ023: SECURE_REFERRER_POLICY holds a value browsers do not know (security.E023).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace deployctl::checks::rules {
namespace {

using settings::Value;

constexpr std::array<std::string_view, 8> valid_policies = {
    "no-referrer",   "no-referrer-when-downgrade",      "origin",    "origin-when-cross-origin", "same-origin",
    "strict-origin", "strict-origin-when-cross-origin", "unsafe-url"};

bool is_valid_policy(std::string_view policy) {
  return std::find(valid_policies.begin(), valid_policies.end(), policy) != valid_policies.end();
}

// str.strip(): ASCII whitespace is what matters in a policy list.
std::string_view strip(std::string_view text) {
  constexpr std::string_view spaces = " \t\n\r\v\f";
  const auto begin = text.find_first_not_of(spaces);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(spaces) - begin + 1);
}

// Whether an element of set(policy) is hashable and outside the valid values; nullopt when unknown or when
// set() would raise TypeError (an unhashable element).
django::Answer element_invalid(const Value& element) {
  switch (element.kind) {
    case Value::Kind::unknown:
    case Value::Kind::list:
    case Value::Kind::set:
    case Value::Kind::dict:
    case Value::Kind::object: return std::nullopt;
    case Value::Kind::string: return !is_valid_policy(element.text);
    default: return true;  // numbers, None, bytes, paths, tuples: hashable and never a policy string
  }
}

// `not set(values) <= REFERRER_POLICY_VALUES`, Django's test, for a policy that is not None.
django::Answer policy_invalid(const Value& policy) {
  if (policy.kind == Value::Kind::string) {
    std::string_view rest = policy.text;
    while (true) {
      const auto comma = rest.find(',');
      if (!is_valid_policy(strip(rest.substr(0, comma)))) return true;
      if (comma == std::string_view::npos) return false;
      rest.remove_prefix(comma + 1);
    }
  }
  std::vector<const Value*> elements;
  if (policy.is_sequence()) {
    for (const Value& element : policy.items) elements.push_back(&element);
  } else if (policy.kind == Value::Kind::dict) {
    for (const auto& [key, unused] : policy.entries) elements.push_back(&key);
  } else {
    return std::nullopt;  // set() of a number, path or object: TypeError, or unknowable
  }
  bool any_invalid = false;
  for (const Value* element : elements) {
    const django::Answer invalid = element_invalid(*element);
    if (!invalid) return std::nullopt;  // set() may raise before the comparison
    any_invalid = any_invalid || *invalid;
  }
  return any_invalid;
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!django::definitely(django::middleware_installed(model, django::security_middleware, &sink))) return;
  const Value policy = settings::setting_or_default(model, "SECURE_REFERRER_POLICY");
  const django::Answer invalid =
      django::decide(sink, "SECURE_REFERRER_POLICY", policy, [](const Value& v) -> django::Answer {
        if (v.kind == Value::Kind::none) return false;  // DJ022's case
        return policy_invalid(v);
      });
  if (!django::definitely(invalid)) return;
  sink.report(django::setting_state(model, "SECURE_REFERRER_POLICY") +
                  ", which is not a valid Referrer-Policy (valid values: no-referrer, no-referrer-when-downgrade, "
                  "origin, origin-when-cross-origin, same-origin, strict-origin, strict-origin-when-cross-origin, "
                  "unsafe-url)",
              policy.origin, "SECURE_REFERRER_POLICY");
}

}  // namespace

extern const Rule dj023_referrer_policy_invalid;
const Rule dj023_referrer_policy_invalid{
    RuleInfo{
        .id = "DJ023",
        .name = "referrer-policy-invalid",
        .severity = Severity::error,
        .summary = "SECURE_REFERRER_POLICY holds an invalid value",
        .rationale = "Browsers ignore a Referrer-Policy header with an unknown value, so the policy you meant to "
                     "apply is not applied at all.",
        .fix = "Use one of the values the Referrer-Policy standard defines, or a comma-separated list (or a "
               "list) of them as fallbacks, e.g. \"strict-origin-when-cross-origin\".",
        .example_fires = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                         "SECURE_REFERRER_POLICY = \"same_origin\"\n",
        .example_passes = "MIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\"]\n"
                          "SECURE_REFERRER_POLICY = \"no-referrer, strict-origin-when-cross-origin\"\n",
        .django_check = "security.E023",
        .notes = "A string is split on commas and each part stripped, as Django does; any other iterable is taken "
                 "element by element. Values set() cannot take (numbers, unhashable elements) crash Django's "
                 "check; the rule is silent then.",
    },
    check};

}  // namespace deployctl::checks::rules
