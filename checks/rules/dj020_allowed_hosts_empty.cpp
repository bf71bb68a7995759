// DJ020: ALLOWED_HOSTS is empty (security.W020).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const settings::Value hosts = settings::setting_or_default(model, "ALLOWED_HOSTS");
  if (own::none_from_unset_variable(hosts)) return;  // values.ListValue(None): the variable is required in effect
  if (django::decide(sink, "ALLOWED_HOSTS", hosts, django::truthy) != false) return;
  sink.report(django::setting_state(model, "ALLOWED_HOSTS") +
                  ": with DEBUG off Django answers every request with 400 Bad Request",
              hosts.origin, "ALLOWED_HOSTS");
}

}  // namespace

extern const Rule dj020_allowed_hosts_empty;
const Rule dj020_allowed_hosts_empty{
    RuleInfo{
        .id = "DJ020",
        .name = "allowed-hosts-empty",
        .severity = Severity::warning,
        .summary = "ALLOWED_HOSTS is empty",
        .rationale = "Django refuses requests whose Host header is not in ALLOWED_HOSTS. With an empty list and "
                     "DEBUG off, the site answers nothing but 400 errors.",
        .fix = "List the domains the site is served under: ALLOWED_HOSTS = [\"example.com\", \"www.example.com\"].",
        .example_fires = "ALLOWED_HOSTS = []\n",
        .example_passes = "ALLOWED_HOSTS = [\"example.com\"]\n",
        .django_check = "security.W020",
        .notes = "Django tests truthiness only: [\"\"] (what \"\".split(\",\") gives for an unset variable) passes "
                 "this check although it allows no host. None read from an unset variable (a ListValue(None) or an "
                 "os.environ.get() without default) is not reported: it is no list a deploy could run with, so the "
                 "variable is required in effect.",
    },
    check};

}  // namespace deployctl::checks::rules
