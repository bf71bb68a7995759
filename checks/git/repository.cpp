// Opening the project's repository with libgit2 and resolving revisions.
#include "checks/git/repository.hpp"

#include <cstdlib>
#include <string_view>
#include <vector>

namespace deployctl::checks::git {

namespace fs = std::filesystem;

namespace {

// "/a/b/" and "/a/b" alike, as "/a/b".
fs::path without_trailing_slash(const fs::path& path) {
  fs::path normal = path.lexically_normal();
  if (normal.has_relative_path() && normal.filename().empty()) normal = normal.parent_path();
  return normal;
}

std::vector<fs::path> ceiling_directories(const char* list) {
  std::vector<fs::path> ceilings;
  if (list == nullptr) return ceilings;
  std::string_view rest(list);
  while (!rest.empty()) {
    const std::size_t colon = rest.find(':');
    const std::string_view entry = rest.substr(0, colon);
    if (!entry.empty()) ceilings.push_back(without_trailing_slash(fs::path(entry)));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return ceilings;
}

// Whether `start` or a directory above it (below the ceilings) has a .git entry: the cheap test that spares a
// run outside any repository the loading of libgit2. It errs on the side of yes; libgit2 decides the rest.
bool may_be_in_repository(const fs::path& start, const char* ceilings_list) {
  const std::vector<fs::path> ceilings = ceiling_directories(ceilings_list);
  std::error_code ec;
  for (fs::path dir = start;; dir = dir.parent_path()) {
    if (fs::symlink_status(dir / ".git", ec).type() != fs::file_type::not_found) return true;
    const fs::path parent = dir.parent_path();
    if (parent == dir) return false;
    for (const fs::path& ceiling : ceilings)
      if (parent == ceiling) return false;
  }
}

}  // namespace

std::optional<std::string> ProjectRepository::project_path(std::string_view repository_path) const {
  if (!repository_path.starts_with(prefix)) return std::nullopt;
  return std::string(repository_path.substr(prefix.size()));
}

Result<std::optional<ProjectRepository>> open_project_repository(const fs::path& project_dir) {
  std::error_code ec;
  const fs::path start = fs::weakly_canonical(fs::absolute(project_dir, ec), ec);
  const char* ceilings = std::getenv("GIT_CEILING_DIRECTORIES");
  if (!may_be_in_repository(start, ceilings)) return std::optional<ProjectRepository>();
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
