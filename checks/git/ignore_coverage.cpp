// Probes with libgit2's own ignore logic, so every source git reads counts: nested .gitignore files,
// .git/info/exclude and core.excludesFile.
#include "checks/git/ignore_coverage.hpp"

#include <array>

namespace deployctl::checks::git {

namespace {

constexpr std::array<std::array<std::string_view, 3>, 3> probes = {{
    {"env files", ".env", "`.env` and `.env.*` (with `!.env.example`)"},
    {"log files", "logs/deployctl-probe.log", "`*.log` or `logs/`"},
    {"media uploads", "media/deployctl-probe.png", "`media/`"},
}};

}  // namespace

Result<std::vector<IgnoreGap>> ignore_gaps(const ProjectRepository& project) {
  std::vector<IgnoreGap> gaps;
  for (const auto& [what, probe, patterns] : probes) {
    const std::string path = project.prefix + std::string(probe);
    int ignored = 0;
    if (libgit2().ignore_path_is_ignored(&ignored, project.repository.get(), path.c_str()) < 0)
      return fail("cannot read the git ignore rules: " + last_error_message());
    if (!ignored) gaps.push_back({std::string(what), std::string(probe), std::string(patterns)});
  }
  return gaps;
}

}  // namespace deployctl::checks::git
