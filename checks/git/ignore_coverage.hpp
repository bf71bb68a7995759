// GIT003's probe: whether git would ignore an env file, a log file and an uploaded media file in the project dir.
#pragma once

#include <string>
#include <vector>

#include "checks/git/repository.hpp"
#include "checks/git/repository_facts.hpp"

namespace deployctl::checks::git {

// Every category whose probe path git would not ignore.
Result<std::vector<IgnoreGap>> ignore_gaps(const ProjectRepository& project);

}  // namespace deployctl::checks::git
