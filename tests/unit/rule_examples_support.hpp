// Runs `deployctl check` on a rule example or fixture as a user would meet it: the rule tests over the registry
// (rules_django_test's examples, rules_own_fixtures_test's fixtures) share it.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/check_project.hpp"
#include "cli_support.hpp"

namespace deployctl::checks::rule_examples {

// All rules, suppressions included. A single-module example is mysite/settings.py of a startproject layout; an
// example made of "# <path>.py" sections is those files, the last one being the settings module.
inline std::vector<Finding> check_example(std::string_view example) {
  testing::TempDir project;
  std::vector<std::pair<std::string, std::string>> files;  // path, content
  std::size_t at = 0;
  while (at < example.size()) {
    const std::size_t end = std::min(example.find('\n', at), example.size());
    const std::string_view line = example.substr(at, end - at);
    if (line.starts_with("# ") && line.ends_with(".py") && line.find(' ', 2) == std::string_view::npos)
      files.emplace_back(std::string(line.substr(2)), "");
    else if (!files.empty())
      files.back().second += std::string(line) + "\n";
    at = end + 1;
  }
  std::string module = "mysite.settings";
  if (files.empty()) {
    project.django(std::string(example));
  } else {
    for (const auto& [path, content] : files) {
      project.write(path, content);
      // Every folder on the way is a package, so that relative imports resolve.
      for (auto dir = std::filesystem::path(path).parent_path(); !dir.empty(); dir = dir.parent_path())
        if (!std::filesystem::exists(project.root() / dir / "__init__.py"))
          project.write((dir / "__init__.py").string(), "");
    }
    module = std::filesystem::path(files.back().first).replace_extension().generic_string();
    std::ranges::replace(module, '/', '.');
  }
  CheckOptions options;
  options.project_dir = project.root();
  options.settings_module = module;
  auto result = check_project(options);
  REQUIRE_MESSAGE(result.has_value(), "deployctl check failed on the example: " << result.error().message);
  return result->findings;
}

inline std::size_t count_rule(const std::vector<Finding>& findings, std::string_view id) {
  return static_cast<std::size_t>(std::ranges::count_if(findings, [&](const Finding& f) { return f.rule == id; }));
}

}  // namespace deployctl::checks::rule_examples
