// The incremental history cache of GIT002: what a scan of the history up to a commit found, kept outside the
// repository ($XDG_CACHE_HOME/deployctl/history, else ~/.cache/deployctl/history), one file per repository,
// project dir and path selection. The next scan reads only the commits added since, and rescans everything when
// the cached commit is no longer an ancestor of the new start (a rewrite, a reset, another branch).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "checks/git/history_scan.hpp"

namespace deployctl::checks::git {

struct HistoryCache {
  git_oid scanned{};                      // every commit reachable from it was scanned
  std::unordered_set<std::string> blobs;  // oid_key of every blob already parsed
  std::vector<HistorySecret> secrets;     // what they held, as history_secrets() lists it
};

// Where the cache of this project and path selection lives; nothing when there is no cache directory (neither
// XDG_CACHE_HOME nor HOME is set).
std::optional<std::filesystem::path> history_cache_file(const ProjectRepository& project, bool all_paths);

// The cache, when the file exists, was written by this very build of deployctl for this very repository and
// selection, and is whole; nothing otherwise (the scan then starts from scratch). When it was scanned up to
// `start`, the commit the scan starts from, its `blobs` stay empty: nothing is walked and the cache is not rewritten.
std::optional<HistoryCache> load_history_cache(const std::filesystem::path& file, const ProjectRepository& project,
                                               bool all_paths, const git_oid* start = nullptr);

// Best effort: a cache that cannot be written only makes the next run slower. Written atomically, so a reader
// never sees half a cache. Holds no secret value: names, sizes, places and digests only.
void save_history_cache(const std::filesystem::path& file, const ProjectRepository& project, bool all_paths,
                        const HistoryCache& cache);

}  // namespace deployctl::checks::git
