// Findings from beyond the settings model: the repository checks (checks/git/) and Django's runtime checks
// (checks/django_runtime/), gathered for check_project and merged into the rules' findings by check_model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checks/check_project.hpp"
#include "checks/settings/environment.hpp"

namespace deployctl::checks {

// The GIT findings when options.repository_checks, and Django's when options.django_runtime. A --django import
// that fails is not an error: its reason goes to `warnings` and the static results stand.
Result<std::vector<Finding>> beyond_settings_findings(const CheckOptions& options, const settings::SettingsModel& model,
                                                      std::string_view settings_module,
                                                      const settings::Environment& environment,
                                                      std::vector<std::string>& warnings);

// Appends the enabled `extra` findings to `findings`, except those whose django_check a finding already in
// `findings` has, and runtime duplicates of one check id.
void merge_extra_findings(std::vector<Finding>& findings, std::vector<Finding> extra, const RuleFilter& filter);

}  // namespace deployctl::checks
