// The repository checks of `deployctl check`: what git tracks, what it ignores, and which secrets its history
// holds, gathered as RepositoryFacts for the GIT rules to judge; paths are relative to the project dir.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checks/git/repository_facts.hpp"
#include "checks/settings/settings_model.hpp"
#include "core/error.hpp"

namespace deployctl::checks::git {

struct RepositoryCheckOptions {
  bool all_paths = false;  // --all-paths: the history scan reads every text file, not only settings-like ones
  // "" : the current state (the index, the .gitignore rules, the history reachable from HEAD). Otherwise the
  // state at this revision, for --new-since: files tracked at it and the history reachable from it (GIT003,
  // which needs a working tree, is left out).
  std::string revision;
};

// The repository checks in steps, so that the slow part can run beside the settings analysis, or not at all:
// look() reads the repository's own files without libgit2 and, when nothing the last full scan's facts depend on
// has changed (facts_cache.hpp), is complete() with them; otherwise scan() loads libgit2, reads the index and walks
// the history (the part the history cache has not seen), and needs no Python, so it may run on a thread of its
// own. finish() parses the files found (the embedded interpreter belongs to the thread that analyses the
// settings), probes what the settings name against the ignore rules and returns the facts.
class RepositoryScan {
 public:
  static RepositoryScan look(const std::filesystem::path& project_dir, const RepositoryCheckOptions& options);
  // Whether the facts are known without libgit2 (from the record, or none outside any repository): scan() has
  // nothing left to do.
  bool complete() const;
  Result<void> scan();
  // look() and scan().
  static Result<RepositoryScan> start(const std::filesystem::path& project_dir, const RepositoryCheckOptions& options);
  // No facts when the project dir is not inside a git repository. `model`: the evaluated settings, which say
  // what GIT003 probes (nothing without them).
  Result<std::optional<RepositoryFacts>> finish(const settings::SettingsModel* model = nullptr);

  RepositoryScan(RepositoryScan&&) noexcept;
  RepositoryScan& operator=(RepositoryScan&&) noexcept;
  ~RepositoryScan();

 private:
  struct State;
  explicit RepositoryScan(std::unique_ptr<State> state);
  Result<std::optional<RepositoryFacts>> finish_from_record(const settings::SettingsModel* model);
  std::unique_ptr<State> state_;
};

// Both steps on the calling thread. No facts when the project dir is not inside a git repository.
Result<std::optional<RepositoryFacts>> check_repository(const std::filesystem::path& project_dir,
                                                        const RepositoryCheckOptions& options,
                                                        const settings::SettingsModel* model = nullptr);

}  // namespace deployctl::checks::git
