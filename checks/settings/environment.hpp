// The environment the settings are evaluated under. Empty by default, so that CI runs are deterministic;
// filled from --env-file and --env (see checks/settings/env_file.hpp).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace deployctl::checks::settings {

struct Environment {
  std::map<std::string, std::string, std::less<>> variables;

  const std::string* get(std::string_view name) const {
    const auto it = variables.find(name);
    return it == variables.end() ? nullptr : &it->second;
  }
};

}  // namespace deployctl::checks::settings
