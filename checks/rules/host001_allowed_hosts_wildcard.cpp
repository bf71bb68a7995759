// HOST001 allowed-hosts-wildcard: ALLOWED_HOSTS contains '*', which turns off Django's Host header validation.
// The same wildcard reached only through an unset variable's default is HOST002.
#include <optional>
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!own::known_or_blind(model, "ALLOWED_HOSTS", sink)) return;
  const settings::Value* hosts = model.get("ALLOWED_HOSTS");
  if (!hosts) return;
  const std::optional<bool> wildcard = hosts->contains_string("*");
  if (!wildcard && !own::env_source(*hosts))
    sink.cannot_decide("ALLOWED_HOSTS", *hosts);  // a host the analysis cannot know
  if (wildcard != true) return;
  const settings::EnvRead* read = own::env_source(*hosts);
  if (read && !read->is_set) return;  // the default's wildcard: HOST002
  std::string message = "ALLOWED_HOSTS contains '*'";
  if (read) message += " (from " + read->variable + " in the analysed environment)";
  message +=
      ": Django accepts any Host header, so password-reset emails and absolute URLs can be made to point at "
      "an attacker's domain (Host header poisoning).";
  sink.report(std::move(message), hosts->origin, "ALLOWED_HOSTS");
}

}  // namespace

extern const Rule host001_allowed_hosts_wildcard{
    RuleInfo{
        .id = "HOST001",
        .name = "allowed-hosts-wildcard",
        .severity = Severity::warning,
        .summary = "ALLOWED_HOSTS contains '*', so Django accepts requests for any host name.",
        .rationale =
            "Django builds absolute URLs (password-reset links, redirects, `request.build_absolute_uri`) from the "
            "Host header. With '*' an attacker who sends a request with their own Host gets links to their domain "
            "mailed to your users, and caches may store pages under forged hosts. ALLOWED_HOSTS is the check "
            "that stops this; '*' removes it unless every proxy in front validates Host itself.",
        .fix = "List the domains the site serves, e.g. ALLOWED_HOSTS = ['example.com', '.example.com'] (a leading dot "
               "allows subdomains), or read them from the environment without a wildcard default.",
        .example_fires = "ALLOWED_HOSTS = ['*']\n",
        .example_passes = "ALLOWED_HOSTS = ['example.com', 'www.example.com']\n",
        .django_check = "",
        .notes = "Django's check --deploy says nothing about '*'. A wildcard that comes only from the default of an "
                 "unset variable is reported as HOST002 instead.",
    },
    check,
};

}  // namespace deployctl::checks::rules
