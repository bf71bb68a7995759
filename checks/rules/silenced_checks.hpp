// SILENCED_SYSTEM_CHECKS: Django drops a check message whose id the setting lists, and so do the rules that
// mirror a Django check (their findings carry its id in Finding::django_check).
#pragma once

#include <vector>

#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

struct SilencedOutcome {
  std::vector<Finding> kept;
  std::vector<Finding> silenced;  // findings whose Django check id is `in settings.SILENCED_SYSTEM_CHECKS`
};

// When the setting is unknown, findings with a Django check id stay, and the setting is added to `undecided`
// under each of their rules.
SilencedOutcome apply_silenced_checks(std::vector<Finding> findings, const settings::SettingsModel& model,
                                      std::vector<Undecided>& undecided);

}  // namespace deployctl::checks::rules
