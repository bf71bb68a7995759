// The project's files as they were at a revision, for --new-since: blobs read from the object database (no
// checkout: HEAD, the index and the working tree are untouched) and written into a private temporary directory,
// so that discovery and the evaluator run on them unchanged.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace deployctl::checks::git {

// Owns the directory and removes it on destruction. Holds the project's Python sources, env files and
// .ini/.cfg/.toml files (what discovery and the evaluator read), at their paths relative to the project dir.
class TreeSnapshot {
 public:
  static Result<TreeSnapshot> create(const std::filesystem::path& project_dir, const std::string& revision);

  TreeSnapshot(TreeSnapshot&& other) noexcept;
  TreeSnapshot& operator=(TreeSnapshot&&) = delete;
  TreeSnapshot(const TreeSnapshot&) = delete;
  TreeSnapshot& operator=(const TreeSnapshot&) = delete;
  ~TreeSnapshot();

  // The snapshot's counterpart of the project dir.
  const std::filesystem::path& project_dir() const { return project_dir_; }

 private:
  TreeSnapshot() = default;
  std::filesystem::path root_;
  std::filesystem::path project_dir_;
};

// Whether a .gitignore between the repository root and the project dir differs between `revision` and the
// working tree (a GIT003 gap may then be new even for a path the settings named at the revision). False when the
// project is not in a repository.
Result<bool> gitignore_changed_since(const std::filesystem::path& project_dir, const std::string& revision);

}  // namespace deployctl::checks::git
