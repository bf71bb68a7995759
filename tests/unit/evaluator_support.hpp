// Shared helpers of the evaluator_* unit tests: evaluate a snippet, fetch a setting, point at a fixture project.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "checks/settings/evaluator.hpp"

namespace evaluator_test {

using deployctl::checks::settings::Environment;
using deployctl::checks::settings::SettingsModel;
using deployctl::checks::settings::Value;
using Kind = Value::Kind;

inline Environment env_of(std::initializer_list<std::pair<const char*, const char*>> variables) {
  Environment environment;
  for (const auto& [name, value] : variables) environment.variables.emplace(name, value);
  return environment;
}

inline SettingsModel run(std::string_view source, const Environment& environment = {}) {
  return deployctl::checks::settings::evaluate_source(source, environment);
}

// Evaluates with a (fixture) project dir, so that files and imports resolve.
inline SettingsModel run_in(const std::filesystem::path& project, std::string_view source,
                            const Environment& environment = {}, const std::string& filename = "settings.py") {
  return deployctl::checks::settings::evaluate_source(source, environment, filename, project);
}

inline std::filesystem::path fixture(std::string_view name) {
  return std::filesystem::path(DEPLOYCTL_FIXTURES_DIR) / "evaluator" / name;
}

// The setting, which the test requires to be bound.
inline const Value& setting(const SettingsModel& model, std::string_view name) {
  const Value* value = model.get(name);
  REQUIRE_MESSAGE(value != nullptr, "setting " << name << " is not bound");
  return *value;
}

inline bool is_string(const Value& value, std::string_view text) {
  return value.kind == Kind::string && value.text == text;
}

inline bool has_problem(const SettingsModel& model, std::string_view rule, std::string_view fragment = {}) {
  for (const auto& problem : model.problems)
    if (problem.rule == rule && problem.message.find(fragment) != std::string::npos) return true;
  return false;
}

}  // namespace evaluator_test
