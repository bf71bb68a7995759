// GIT003's probe: whether git would ignore an env file, a log file and an uploaded media file in the project dir.
#pragma once

#include <string>
#include <vector>

#include "checks/git/repository.hpp"

namespace deployctl::checks::git {

struct IgnoreGap {
  std::string what;      // "env files", "log files", "media uploads"
  std::string probe;     // the path probed, relative to the project dir
  std::string patterns;  // what to add to .gitignore
};

// Every category whose probe path git would not ignore.
Result<std::vector<IgnoreGap>> ignore_gaps(const ProjectRepository& project);

}  // namespace deployctl::checks::git
