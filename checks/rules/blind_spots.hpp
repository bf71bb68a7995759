// What the rules could not see: settings they needed whose values the analysis could not know. DPL005 reports
// them, so that a report never reads "All checks passed" when a rule could not decide.
#pragma once

#include <span>

#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

// One DPL005 finding per unknown setting, at the unknown value, naming why it is unknown and which rules could
// not decide (at the settings module when the value has no place). Defined beside the rule's metadata in
// checks/rules/dpl005_unknown_setting.cpp.
void report_unknown_settings(std::span<const Undecided> undecided, const settings::SettingsModel& model,
                             FindingSink& sink);

}  // namespace deployctl::checks::rules
