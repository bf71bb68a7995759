// Helpers of the rules-own tests: evaluate a settings source (or a fixture) and run one rule, or all, on it.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/rules/registry.hpp"
#include "checks/settings/evaluator.hpp"

namespace deployctl::checks::rules_own_test {

inline settings::Environment environment(std::initializer_list<std::pair<const char*, const char*>> variables = {}) {
  settings::Environment env;
  for (const auto& [name, text] : variables) env.variables.emplace(name, text);
  return env;
}

inline std::filesystem::path fixtures_dir() { return std::filesystem::path(DEPLOYCTL_FIXTURES_DIR) / "rules"; }

// Sources are evaluated as settings.py of the fixtures dir, which has no .env or settings.ini: python-decouple
// then certainly reads only the environment. Pass an empty `project_dir` for a source with no known project.
inline std::vector<Finding> run_rule(std::string_view id, std::string_view source,
                                     const settings::Environment& env = {},
                                     const std::filesystem::path& project_dir = fixtures_dir()) {
  const rules::Rule* rule = rules::find_rule(id);
  REQUIRE_MESSAGE(rule != nullptr, "rule " << id << " is not in the registry");
  const settings::SettingsModel model = settings::evaluate_source(source, env, "settings.py", project_dir);
  std::vector<Finding> findings;
  rules::FindingSink sink(rule->info, findings);
  rule->check(rules::RuleContext{model}, sink);
  return findings;
}

// Every registered rule over one source: what the secrecy test scans.
inline std::vector<Finding> run_all_rules(std::string_view source, const settings::Environment& env = {}) {
  const settings::SettingsModel model = settings::evaluate_source(source, env, "settings.py", fixtures_dir());
  std::vector<Finding> findings;
  for (const rules::Rule& rule : rules::all_rules()) {
    rules::FindingSink sink(rule.info, findings);
    rule.check(rules::RuleContext{model}, sink);
  }
  return findings;
}

inline std::string read_fixture(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read fixture " << path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// All messages joined, for CHECK_MESSAGE output when a test fails.
inline std::string messages(const std::vector<Finding>& findings) {
  std::string joined;
  for (const Finding& finding : findings) joined += "[" + finding.rule + "] " + finding.message + "\n";
  return joined;
}

}  // namespace deployctl::checks::rules_own_test
