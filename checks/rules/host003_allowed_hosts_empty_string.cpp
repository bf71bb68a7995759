// HOST003 allowed-hosts-empty-string: ALLOWED_HOSTS is [''] (what ''.split(',') gives for an unset or empty
// variable): it matches no host, and Django's W020 stays silent because the list is not empty.
#include <algorithm>
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

bool is_blank(const settings::Value& item) {
  return item.is_string() && std::ranges::all_of(item.text, [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!own::known_or_blind(model, "ALLOWED_HOSTS", sink)) return;
  const settings::Value* hosts = model.get("ALLOWED_HOSTS");
  if (!hosts || !hosts->is_sequence() || hosts->items.empty() || !std::ranges::all_of(hosts->items, is_blank)) return;
  const settings::EnvRead* read = own::env_source(*hosts);
  std::string message = "ALLOWED_HOSTS is " + hosts->describe();
  if (read)
    message += read->is_set
                   ? " because the environment variable " + read->variable + " is empty"
                   : " while the environment variable " + read->variable + " is unset (splitting its empty default)";
  message +=
      ": an empty host name matches no request, so Django answers every request with 400 Bad Request, and "
      "its own check (security.W020) stays silent because the list is not empty.";
  sink.report(std::move(message), hosts->origin, "ALLOWED_HOSTS");
}

}  // namespace

extern const Rule host003_allowed_hosts_empty_string{
    RuleInfo{
        .id = "HOST003",
        .name = "allowed-hosts-empty-string",
        .severity = Severity::error,
        .summary = "ALLOWED_HOSTS holds only empty host names, e.g. [''] from splitting an unset variable.",
        .rationale =
            "`os.environ.get('ALLOWED_HOSTS', '').split(',')` is [''] when the variable is unset or empty. That "
            "list matches no Host, so every request is refused with 400 Bad Request (even on localhost with DEBUG "
            "on, since the list is not empty). Django's own check only warns about an empty list, so "
            "`check --deploy` passes and the outage shows up after the deploy.",
        .fix = "Drop empty entries and fail loudly when none are left: "
               "ALLOWED_HOSTS = [h.strip() for h in os.environ['DJANGO_ALLOWED_HOSTS'].split(',') if h.strip()], "
               "or env.list('DJANGO_ALLOWED_HOSTS').",
        .example_fires = "import os\n\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')\n",
        .example_passes =
            "import os\n\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', 'example.com').split(',')\n",
        .django_check = "",
        .notes = "Also fires for a literal [''] and for entries that are only whitespace.",
    },
    check,
};

}  // namespace deployctl::checks::rules
