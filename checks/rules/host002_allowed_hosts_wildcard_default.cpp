// HOST002 allowed-hosts-wildcard-default: ALLOWED_HOSTS comes from the environment and falls back to '*' when
// the variable is unset, so a deploy that forgets it silently drops Host validation.
#include <string>
#include <string_view>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

// Whether a default written as text ("*", "localhost,*", "* example.com") holds a '*' host once split.
bool text_has_wildcard(std::string_view text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find_first_of(", \t\n", start), text.size());
    if (text.substr(start, end - start) == "*") return true;
    start = end + 1;
  }
  return false;
}

bool default_has_wildcard(const settings::Value& fallback) {
  if (fallback.is_string()) return text_has_wildcard(fallback.text);
  return fallback.contains_string("*") == true;
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!own::known_or_blind(model, "ALLOWED_HOSTS", sink)) return;
  const settings::Value* hosts = model.get("ALLOWED_HOSTS");
  if (!hosts) return;
  const settings::EnvRead* read = own::env_source(*hosts);
  if (!read) return;
  const bool has_wildcard = hosts->contains_string("*") == true;
  const bool default_wildcard = read->default_value && default_has_wildcard(*read->default_value);
  if (read->is_set) {
    // HOST001 reports the wildcard the variable gave; here only a default the analysed run did not use.
    if (has_wildcard || !default_wildcard) return;
  } else if (!has_wildcard && !(!hosts->is_known() && hosts->steps.empty() && default_wildcard)) {
    return;  // unknown only because a .env file may set the variable: the default still applies without it
  }
  std::string message = "ALLOWED_HOSTS falls back to '*' when " + read->variable + " is unset (the default of " +
                        own::describe_read(*read) + ")";
  if (!read->is_set && hosts->is_known()) message += ", as it is in the analysed environment";
  message +=
      ": a deploy that misses the variable accepts any Host header, so password-reset links can be made to "
      "point at an attacker's domain.";
  sink.report(std::move(message), read->where, "ALLOWED_HOSTS");
}

}  // namespace

extern const Rule host002_allowed_hosts_wildcard_default{
    RuleInfo{
        .id = "HOST002",
        .name = "allowed-hosts-wildcard-default",
        .severity = Severity::warning,
        .summary = "ALLOWED_HOSTS is read from the environment with '*' as the default.",
        .rationale =
            "A wildcard default is meant for development, but it applies wherever the variable is missing, and "
            "nothing breaks: the site answers every Host, and Host header poisoning of password-reset links and "
            "caches becomes possible. Django's check --deploy has no warning for '*'.",
        .fix = "Default to nothing so that a missing variable fails loudly (Django answers 400 and its check warns "
               "about an empty ALLOWED_HOSTS): env.list('DJANGO_ALLOWED_HOSTS') or "
               "[h for h in os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',') if h].",
        .example_fires = "import os\n\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', '*').split(',')\n",
        .example_passes =
            "import os\n\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', 'example.com').split(',')\n",
        .django_check = "",
        .notes = "When the analysed environment sets the variable, the default is read as written (split at commas "
                 "and whitespace), and '*' from the variable itself is HOST001.",
    },
    check,
};

}  // namespace deployctl::checks::rules
