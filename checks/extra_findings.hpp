// Findings from beyond the settings model: the repository checks (checks/git/) and Django's runtime checks
// (checks/django_runtime/), gathered for check_project and merged into the rules' findings by check_model.
#pragma once

#include <future>
#include <string>
#include <string_view>
#include <vector>

#include "checks/check_project.hpp"
#include "checks/git/repository_checks.hpp"
#include "checks/settings/environment.hpp"

namespace deployctl::checks {

// The first step of the repository checks (libgit2, the index, the history walk), running on a thread of its own
// while the settings are analysed; no future when options.repository_checks is off.
using PendingRepositoryScan = std::future<Result<git::RepositoryScan>>;
PendingRepositoryScan start_repository_scan(const CheckOptions& options);

// The GIT findings (finishing `repository`), and Django's when options.django_runtime. A --django import that
// fails is not an error: its reason goes to `warnings` and the static results stand.
Result<std::vector<Finding>> beyond_settings_findings(const CheckOptions& options, PendingRepositoryScan& repository,
                                                      const settings::SettingsModel& model,
                                                      std::string_view settings_module,
                                                      const settings::Environment& environment,
                                                      std::vector<std::string>& warnings);

// Appends the enabled `extra` findings to `findings`, except those whose django_check a finding already in
// `findings` has, and runtime duplicates of one check id.
void merge_extra_findings(std::vector<Finding>& findings, std::vector<Finding> extra, const RuleFilter& filter);

}  // namespace deployctl::checks
