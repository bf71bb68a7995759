// Django's messages as findings: under the DJ rule that mirrors the check id when there is one, else RT001; placed
// at the assignment of the setting the message names when the settings model has it, else at the settings file.
#pragma once

#include <span>
#include <vector>

#include "checks/django_runtime/runtime_checks.hpp"
#include "checks/finding.hpp"
#include "checks/settings/settings_model.hpp"

namespace deployctl::checks::django_runtime {

// One finding per message, each with django_check set to the message's id (when it has one).
std::vector<Finding> runtime_findings(std::span<const DjangoMessage> messages, const settings::SettingsModel& model);

}  // namespace deployctl::checks::django_runtime
