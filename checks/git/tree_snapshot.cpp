// Writes a revision's project files from git's object database into a temporary directory (mode 0700: env
// files may hold secrets), and compares .gitignore files with a revision for GIT003 under --new-since.
#include "checks/git/tree_snapshot.hpp"

#include <stdlib.h>

#include "checks/git/history_scan.hpp"
#include "checks/git/repository.hpp"
#include "checks/git/sensitive_paths.hpp"
#include "core/files.hpp"

namespace deployctl::checks::git {

namespace fs = std::filesystem;

namespace {

// What discovery and the evaluator may read: Python modules, dotenv files, decouple's settings.ini and the like.
bool analysis_input(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (is_python_source(name) || is_env_file(name) || name.starts_with(".env")) return true;
  for (const std::string_view suffix : {".ini", ".cfg", ".toml", ".env"})
    if (name.ends_with(suffix)) return true;
  return false;
}

Result<void> write_blob(git_repository* repository, const git_oid& id, const fs::path& target) {
  git_blob* raw = nullptr;
  if (libgit2().blob_lookup(&raw, repository, &id) < 0) return fail("cannot read a git blob: " + last_error_message());
  BlobPtr blob(raw);
  const auto size = static_cast<std::size_t>(libgit2().blob_rawsize(blob.get()));
  if (size > max_source_file_bytes || libgit2().blob_is_binary(blob.get())) return {};
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  return write_file_atomically(target,
                               std::string_view(static_cast<const char*>(libgit2().blob_rawcontent(blob.get())), size),
                               fs::perms::owner_read | fs::perms::owner_write);
}

}  // namespace

Result<TreeSnapshot> TreeSnapshot::create(const fs::path& project_dir, const std::string& revision) {
  auto opened = open_project_repository(project_dir);
  if (!opened) return std::unexpected(opened.error());
  if (!*opened)
    return fail("--new-since needs a git repository, and " + project_dir.string() +
                " is not inside one; drop --new-since or run in a clone");
  const ProjectRepository& project = **opened;
  auto commit = resolve_commit(project.repository.get(), revision);
  if (!commit) return std::unexpected(commit.error());
  auto files = tree_files(project, commit->get());
  if (!files) return std::unexpected(files.error());

  std::string pattern = (fs::temp_directory_path() / "deployctl-new-since-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return fail("cannot create a temporary directory for --new-since");
  TreeSnapshot snapshot;
  snapshot.root_ = pattern;
  snapshot.project_dir_ = snapshot.root_ / "project";
  std::error_code ec;
  fs::create_directories(snapshot.project_dir_, ec);
  for (const TrackedFile& file : *files) {
    if (!analysis_input(file.path)) continue;
    const fs::path target = (snapshot.project_dir_ / file.path).lexically_normal();
    if (auto written = write_blob(project.repository.get(), file.blob, target); !written)
      return std::unexpected(written.error());
  }
  return snapshot;
}

TreeSnapshot::TreeSnapshot(TreeSnapshot&& other) noexcept
    : root_(std::move(other.root_)), project_dir_(std::move(other.project_dir_)) {
  other.root_.clear();
}

TreeSnapshot::~TreeSnapshot() {
  if (root_.empty()) return;
  std::error_code ignored;
  fs::remove_all(root_, ignored);
}

Result<bool> gitignore_changed_since(const fs::path& project_dir, const std::string& revision) {
  auto opened = open_project_repository(project_dir);
  if (!opened) return std::unexpected(opened.error());
  if (!*opened) return false;
  const ProjectRepository& project = **opened;
  auto commit = resolve_commit(project.repository.get(), revision);
  if (!commit) return std::unexpected(commit.error());
  git_tree* raw_tree = nullptr;
  if (libgit2().commit_tree(&raw_tree, commit->get()) < 0)
    return fail("cannot read a commit's tree: " + last_error_message());
  TreePtr tree(raw_tree);

  // "", "sub/", "sub/dir/": every directory from the root down to the project dir.
  std::vector<std::string> directories = {""};
  for (std::size_t slash = project.prefix.find('/'); slash != std::string::npos;
       slash = project.prefix.find('/', slash + 1))
    directories.push_back(project.prefix.substr(0, slash + 1));
  for (const std::string& directory : directories) {
    const std::string path = directory + ".gitignore";
    git_tree_entry* raw_entry = nullptr;
    const bool at_revision = libgit2().tree_entry_bypath(&raw_entry, tree.get(), path.c_str()) == 0;
    const git_oid then = at_revision ? *libgit2().tree_entry_id(raw_entry) : git_oid{};
    if (raw_entry) libgit2().tree_entry_free(raw_entry);
    const fs::path file = project.workdir / path;
    std::error_code ec;
    const bool now = fs::is_regular_file(file, ec);
    if (now != at_revision) return true;
    if (!now) continue;
    git_oid current;
    if (libgit2().odb_hashfile(&current, file.c_str(), GIT_OBJECT_BLOB) < 0) return true;
    if (!libgit2().oid_equal(&current, &then)) return true;
  }
  return false;
}

}  // namespace deployctl::checks::git
