// The repository checks' facts as the last full scan (libgit2) found them, kept beside the history cache, one
// file per project dir and path selection, with the RepositoryLook they were found under. While a new look shows
// the same state, the facts still hold and a run loads no libgit2; GIT003's part holds for the same probes while
// their ignore files are unchanged.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "checks/git/repository_facts.hpp"

namespace deployctl::checks::git {

struct FactsRecord {
  std::string look_state;                      // RepositoryLook::state when the facts were found
  std::filesystem::path workdir;               // the working tree's root, as libgit2 gave it
  std::string prefix;                          // the project dir relative to it: "" or "sub/dir/"
  std::vector<std::string> scanned_files;      // tracked files whose working-tree copies are read for secrets
  std::vector<SensitiveFile> sensitive_files;  // as RepositoryFacts has them
  std::vector<HistorySecret> history_secrets;  // all of the history's, before those still in the tree are dropped
  std::vector<IgnoreProbe> probes;             // what GIT003 probed
  std::string ignore_state;                    // ignore_state() of their paths then
  std::vector<IgnoreGap> ignore_gaps;          // what it found
};

// Where the record of the project dir `start` (absolute, canonical) and selection lives; nothing when there is no
// cache directory.
std::optional<std::filesystem::path> facts_record_file(const std::filesystem::path& start, bool all_paths);

// The record, when the file exists, was written by this very build for this project dir and selection, and is
// whole; nothing otherwise.
std::optional<FactsRecord> load_facts_record(const std::filesystem::path& file, const std::filesystem::path& start,
                                             bool all_paths);

// Best effort, atomic, the owner's only (it names where secrets are); a record with a field it cannot write (a
// tab or newline in a path) is not written.
void save_facts_record(const std::filesystem::path& file, const std::filesystem::path& start, bool all_paths,
                       const FactsRecord& record);

}  // namespace deployctl::checks::git
