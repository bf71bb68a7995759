// The history scan behind GIT002: every commit reachable from a start commit, oldest first, each tree and blob
// read once (deduplicated by object id), settings-like paths only unless all paths are asked for.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

#include "checks/git/repository.hpp"
#include "checks/git/repository_facts.hpp"
#include "checks/git/secret_literals.hpp"

namespace deployctl::checks::git {

struct HistoryScanStats {
  std::size_t commits = 0;
  std::size_t blobs = 0;  // distinct blobs listed (and parsed)
};

// A version of a file as the history first brought it in: its blob, its path relative to the project dir, and
// the short id and date (YYYY-MM-DD, UTC) of the first commit (oldest first) whose tree has it.
struct HistoryBlob {
  git_oid blob;
  std::string path;
  std::string commit;
  std::string date;
};

// What an earlier scan covered (history_cache.hpp): the walk skips the commits reachable from `scanned` and the
// blobs whose oid_key is in `blobs`.
struct ScannedBefore {
  git_oid scanned;
  const std::unordered_set<std::string>& blobs;
};

// Walks the history reachable from `start` under the project's prefix and lists each distinct blob once, in the
// order the blobs entered the history. `all_paths` lists every file instead of the settings-like ones
// (sensitive_paths.hpp). Needs no Python: it may run on a thread of its own.
Result<std::vector<HistoryBlob>> walk_history(const ProjectRepository& project, const git_oid& start, bool all_paths,
                                              HistoryScanStats* stats = nullptr, const ScannedBefore* before = nullptr);

// The secrets of those blobs added to `known` (what an earlier scan found), once each by digest, in the order
// they entered the history; a value first seen as a throwaway credential and later as a live one is kept as the
// live one. Parses Python with the embedded interpreter, so it runs on the thread that analyses the settings.
std::vector<HistorySecret> history_secrets(const ProjectRepository& project, const std::vector<HistoryBlob>& blobs,
                                           std::vector<HistorySecret> known = {});

// Both steps on the calling thread.
Result<std::vector<HistorySecret>> scan_history(const ProjectRepository& project, const git_oid& start, bool all_paths,
                                                HistoryScanStats* stats = nullptr);

// A file the repository tracks, under the project dir: its path relative to the project dir and its blob.
struct TrackedFile {
  std::string path;
  git_oid blob;
};

// The files of the index (what the next commit will hold), or of one commit's tree.
Result<std::vector<TrackedFile>> index_files(const ProjectRepository& project);
Result<std::vector<TrackedFile>> tree_files(const ProjectRepository& project, git_commit* commit);

// The secrets in one commit's tree (the state at that commit), same path selection as the scan.
Result<std::vector<SecretLiteral>> tree_secrets(const ProjectRepository& project, git_commit* commit, bool all_paths);

}  // namespace deployctl::checks::git
