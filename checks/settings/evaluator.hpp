// The static evaluator: runs nothing, reads the settings module (and the project modules it imports)
// and computes what each name is bound to, as far as that can be known without executing code.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "checks/settings/environment.hpp"
#include "checks/settings/settings_model.hpp"
#include "core/error.hpp"

namespace deployctl::checks::settings {

// Evaluates the dotted `settings_module` found under `project_dir`. Fails (Result error) only when the
// entry module itself cannot be found or read; syntax errors, import cycles and unreadable imported files
// become entries of SettingsModel::problems.
Result<SettingsModel> evaluate_settings(const std::filesystem::path& project_dir, std::string_view settings_module,
                                        const Environment& environment);

// Evaluates one in-memory module named `filename` (unit tests and the fuzzer). Imports of project modules
// resolve against `project_dir` when it is not empty; otherwise they leave their names unknown.
SettingsModel evaluate_source(std::string_view source, const Environment& environment,
                              const std::string& filename = "settings.py",
                              const std::filesystem::path& project_dir = {});

}  // namespace deployctl::checks::settings
