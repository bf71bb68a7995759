// The git repository a project lives in, found from the project dir upwards as git finds it, and the project's
// place inside it: the repository checks and --new-since look only at paths under the project dir.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "checks/git/handles.hpp"
#include "core/error.hpp"

namespace deployctl::checks::git {

struct ProjectRepository {
  RepositoryPtr repository;
  std::filesystem::path workdir;  // the working tree's root
  std::string prefix;             // the project dir relative to `workdir`: "" or "sub/dir/"

  // A repository path ("sub/dir/mysite/settings.py") relative to the project dir ("mysite/settings.py"), or
  // nothing when it lies outside the project dir.
  std::optional<std::string> project_path(std::string_view repository_path) const;
};

// Searches from `project_dir` upwards (stopping at $GIT_CEILING_DIRECTORIES, as git does). Nothing when the
// project is not in a repository or the repository is bare; an error when a repository is found but unreadable.
Result<std::optional<ProjectRepository>> open_project_repository(const std::filesystem::path& project_dir);

// The commit `revision` names ("main", "HEAD~3", "v1.2", an id), peeled through tags. The error names the
// revision and says how to give one.
Result<CommitPtr> resolve_commit(git_repository* repository, const std::string& revision);

}  // namespace deployctl::checks::git
