// `message.id in settings.SILENCED_SYSTEM_CHECKS` (django.core.checks.messages.CheckMessage.is_silenced), with
// Python's `in`: a list, tuple or set of ids, or a string, which matches substrings as Django's test does.
#include "checks/rules/silenced_checks.hpp"

#include "checks/rules/django_helpers.hpp"
#include "checks/rules/registry.hpp"

namespace deployctl::checks::rules {

SilencedOutcome apply_silenced_checks(std::vector<Finding> findings, const settings::SettingsModel& model,
                                      std::vector<Undecided>& undecided) {
  SilencedOutcome outcome;
  const settings::Value silenced = settings::setting_or_default_on_every_path(model, "SILENCED_SYSTEM_CHECKS");
  for (Finding& finding : findings) {
    if (!finding.django_check) {
      outcome.kept.push_back(std::move(finding));
      continue;
    }
    const std::string& id = *finding.django_check;
    const django::Answer listed =
        django::decide(silenced, [&id](const settings::Value& ids) { return django::contains_string(ids, id); });
    if (django::definitely(listed)) {
      outcome.silenced.push_back(std::move(finding));
      continue;
    }
    if (!listed) {
      // The rule found a problem but cannot know whether the team silenced it: reported, and said so.
      const Rule* rule = find_rule(finding.rule);
      std::vector<Finding> unused;
      if (rule != nullptr)
        FindingSink(rule->info, unused, &undecided).cannot_decide("SILENCED_SYSTEM_CHECKS", silenced);
    }
    outcome.kept.push_back(std::move(finding));
  }
  return outcome;
}

}  // namespace deployctl::checks::rules
