// Django's own check messages (--django) as findings: under the DJ rule that mirrors the check id when there is
// one (run_rules), else RT001; placed at the assignment of the setting the message names when the settings model
// has it, else at the settings file.
#pragma once

#include <string_view>

#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

// The registered rule whose django_check is `check_id`, or null (always null for "").
const Rule* mirror_rule(std::string_view check_id);

// Reports `message` into `sink` with django_check set to the message's id (when it has one).
Finding& report_django_message(const django_runtime::DjangoMessage& message, const settings::SettingsModel& model,
                               FindingSink& sink);

}  // namespace deployctl::checks::rules
