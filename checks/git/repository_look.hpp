// A look at a repository's own files without libgit2: where the project's .git is, the commit HEAD names, and
// digests of the files the repository checks' facts depend on (the index, the config files, shallow; for GIT003,
// the ignore files of the paths it probes). Loading libgit2 and its dependencies costs more than a whole settings
// analysis; while a look matches the one the last full scan was made under (facts_cache.hpp), that scan's facts
// still hold and libgit2 is not loaded at all.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace deployctl::checks::git {

struct RepositoryLook {
  std::filesystem::path git_dir;     // the .git directory, or the one a .git file names (a linked worktree)
  std::filesystem::path common_dir;  // where refs, config and info/ live: git_dir but in a linked worktree
  std::string head;                  // the commit HEAD names, 40 hex digits
  std::string state;                 // one line per input: what it is and a digest of it ("absent" when missing)
  std::vector<std::filesystem::path> excludes_files;  // core.excludesFile as the configs name it, and git's default
};

// The nearest `.git` entry at or above `start`, below $GIT_CEILING_DIRECTORIES as git stops there; nothing when
// there is none. Cheap: it spares a run outside any repository the loading of libgit2.
std::optional<std::filesystem::path> nearest_dot_git(const std::filesystem::path& start);

// Nothing when no .git is found above `start` (an absolute, canonical path), or when the repository uses something
// this look does not read (an unborn branch, a HEAD outside refs/heads/ and refs/tags/, config includes, an
// excludes file named in a form it does not expand, no absolute HOME): libgit2 decides then.
std::optional<RepositoryLook> look_at_repository(const std::filesystem::path& start);

// One line per input that decides whether `paths` (absolute and canonical, inside `workdir`) are ignored: the
// .gitignore of each directory from `workdir` down to each path's, info/exclude, the excludes files, and each
// path's type (a pattern ending in '/' matches directories only).
std::string ignore_state(const RepositoryLook& look, const std::filesystem::path& workdir,
                         const std::vector<std::filesystem::path>& paths);

}  // namespace deployctl::checks::git
