// Opening the project's repository with libgit2 and resolving revisions.
#include "checks/git/repository.hpp"

#include <cstdlib>
#include <string_view>

#include "checks/git/repository_look.hpp"

namespace deployctl::checks::git {

namespace fs = std::filesystem;

std::optional<std::string> ProjectRepository::project_path(std::string_view repository_path) const {
  if (!repository_path.starts_with(prefix)) return std::nullopt;
  return std::string(repository_path.substr(prefix.size()));
}

Result<std::optional<ProjectRepository>> open_project_repository(const fs::path& project_dir) {
  std::error_code ec;
  const fs::path start = fs::weakly_canonical(fs::absolute(project_dir, ec), ec);
  // The cheap test first: it errs on the side of yes; libgit2 decides the rest.
  if (!nearest_dot_git(start)) return std::optional<ProjectRepository>();
  const char* ceilings = std::getenv("GIT_CEILING_DIRECTORIES");
  if (auto loaded = load_libgit2(); !loaded) return std::unexpected(loaded.error());
  git_repository* raw = nullptr;
  const int status = libgit2().repository_open_ext(&raw, start.c_str(), 0, ceilings);
  RepositoryPtr repository(raw);
  if (status == GIT_ENOTFOUND) return std::optional<ProjectRepository>();
  if (status < 0)
    return fail("cannot open the git repository that contains " + start.string() + ": " + last_error_message() +
                "; fix the repository, or pass --no-git to skip the repository checks");
  const char* workdir = libgit2().repository_workdir(repository.get());
  if (workdir == nullptr) return std::optional<ProjectRepository>();

  ProjectRepository found;
  found.workdir = fs::weakly_canonical(fs::path(workdir), ec);
  const fs::path relative = start.lexically_relative(found.workdir);
  if (!relative.empty() && relative != "." && !relative.string().starts_with(".."))
    found.prefix = relative.generic_string() + "/";
  found.repository = std::move(repository);
  return std::optional<ProjectRepository>(std::move(found));
}

Result<CommitPtr> resolve_commit(git_repository* repository, const std::string& revision) {
  git_object* raw = nullptr;
  if (libgit2().revparse_single(&raw, repository, revision.c_str()) < 0)
    return fail("unknown git revision '" + revision + "': " + last_error_message() +
                "; give a branch, tag or commit id of this repository, e.g. --new-since origin/main");
  ObjectPtr object(raw);
  git_object* peeled = nullptr;
  if (libgit2().object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0)
    return fail("git revision '" + revision + "' does not name a commit: " + last_error_message());
  return CommitPtr(reinterpret_cast<git_commit*>(peeled));
}

}  // namespace deployctl::checks::git
