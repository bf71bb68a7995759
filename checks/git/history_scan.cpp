// Walks the history oldest first. A subtree whose id was already walked at the same path has nothing new, so each
// commit costs only what it changed; a blob whose id was already seen is skipped, so each version of each file
// is parsed once however many commits contain it. The walk reads no blob: parsing them is the second step.
#include "checks/git/history_scan.hpp"

#include <ctime>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "checks/git/sensitive_paths.hpp"
#include "core/files.hpp"

namespace deployctl::checks::git {

namespace {

std::string commit_date(const git_commit* commit) {
  const std::time_t seconds = static_cast<std::time_t>(libgit2().commit_time(commit));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[16] = {};
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

// Whether a directory at `path` ("a/b") can contain files under `prefix` ("a/b/c/"), or lies under it.
bool on_prefix_path(const std::string& directory, const std::string& prefix) {
  const std::string slashed = directory + "/";
  return prefix.starts_with(slashed) || slashed.starts_with(prefix);
}

class TreeWalker {
 public:
  using BlobVisit = std::function<void(const git_oid& blob, const std::string& project_path)>;

  TreeWalker(const ProjectRepository& project, bool all_paths, BlobVisit visit)
      : project_(project), all_paths_(all_paths), visit_(std::move(visit)) {}

  Result<void> walk(const git_tree* tree, const std::string& directory) {
    const std::size_t count = libgit2().tree_entrycount(tree);
    for (std::size_t i = 0; i < count; ++i) {
      const git_tree_entry* entry = libgit2().tree_entry_byindex(tree, i);
      const std::string path = directory.empty() ? std::string(libgit2().tree_entry_name(entry))
                                                 : directory + "/" + libgit2().tree_entry_name(entry);
      const git_oid* id = libgit2().tree_entry_id(entry);
      const git_object_t type = libgit2().tree_entry_type(entry);
      if (type == GIT_OBJECT_TREE) {
        if (!on_prefix_path(path, project_.prefix)) continue;
        if (!seen_trees_.insert(oid_key(*id) + path).second) continue;
        git_tree* raw = nullptr;
        if (libgit2().tree_lookup(&raw, project_.repository.get(), id) < 0)
          return fail("cannot read git tree " + path + ": " + last_error_message());
        TreePtr subtree(raw);
        if (auto walked = walk(subtree.get(), path); !walked) return walked;
      } else if (type == GIT_OBJECT_BLOB) {
        const auto project_path = project_.project_path(path);
        if (!project_path || !(all_paths_ || settings_like(*project_path))) continue;
        visit_(*id, *project_path);
      }
    }
    return {};
  }

 private:
  const ProjectRepository& project_;
  bool all_paths_;
  BlobVisit visit_;
  std::unordered_set<std::string> seen_trees_;
  std::unordered_map<std::string, bool> settings_like_;  // the same paths recur in every commit

  bool settings_like(const std::string& path) {
    const auto known = settings_like_.find(path);
    if (known != settings_like_.end()) return known->second;
    return settings_like_.emplace(path, is_settings_like(path)).first->second;
  }
};

// Most commits change a settings file without adding a literal (a comment, a bumped number, a new setting read
// from the environment), and parsing is what a cold history scan spends its time on. A string literal sits on
// a line with a quote, unless it spans lines (a triple-quoted string, where an '@' still marks a URL's
// credentials): a Python version whose lines missing from the previous version of the same path have neither
// holds only the literals that version had. The first version of each path is always parsed.
class VersionFilter {
 public:
  bool may_hold_new_literal(const std::string& path, std::string_view text) {
    if (!path.ends_with(".py")) return true;
    std::unordered_set<std::uint64_t> lines;
    bool new_literal_line = false;
    const auto previous = last_.find(path);
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view line = text.substr(start, end - start);
      const std::uint64_t hash = std::hash<std::string_view>{}(line);
      lines.insert(hash);
      if (!new_literal_line && line.find_first_of("'\"@") != std::string_view::npos &&
          (previous == last_.end() || !previous->second.contains(hash)))
        new_literal_line = true;
      start = end + 1;
    }
    const bool first = previous == last_.end();
    last_[path] = std::move(lines);
    return first || new_literal_line;
  }

 private:
  std::unordered_map<std::string, std::unordered_set<std::uint64_t>> last_;  // path -> its last version's lines
};

// The secrets of one blob; nothing for binary, oversized or unreadable blobs (they hold no settings we parse),
// nor for a version `filter` says adds no literal.
std::vector<SecretLiteral> blob_secrets(git_repository* repository, const git_oid& id, const std::string& path,
                                        VersionFilter* filter = nullptr) {
  git_blob* raw = nullptr;
  if (libgit2().blob_lookup(&raw, repository, &id) < 0) return {};
  BlobPtr blob(raw);
  const auto size = static_cast<std::size_t>(libgit2().blob_rawsize(blob.get()));
  if (size > max_source_file_bytes || libgit2().blob_is_binary(blob.get())) return {};
  const std::string_view text(static_cast<const char*>(libgit2().blob_rawcontent(blob.get())), size);
  if (filter != nullptr && !filter->may_hold_new_literal(path, text)) return {};
  return find_secret_literals(text, path);
}

Result<TreePtr> commit_tree(const git_commit* commit) {
  git_tree* raw = nullptr;
  if (libgit2().commit_tree(&raw, commit) < 0) return fail("cannot read a commit's tree: " + last_error_message());
  return TreePtr(raw);
}

}  // namespace

Result<std::vector<HistoryBlob>> walk_history(const ProjectRepository& project, const git_oid& start, bool all_paths,
                                              HistoryScanStats* stats, const ScannedBefore* before) {
  git_repository* repository = project.repository.get();
  git_revwalk* raw_walk = nullptr;
  if (libgit2().revwalk_new(&raw_walk, repository) < 0)
    return fail("cannot walk the git history: " + last_error_message());
  RevwalkPtr walk(raw_walk);
  libgit2().revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
  if (libgit2().revwalk_push(walk.get(), &start) < 0)
    return fail("cannot walk the git history: " + last_error_message());
  if (before != nullptr && libgit2().revwalk_hide(walk.get(), &before->scanned) < 0)
    return fail("cannot walk the git history: " + last_error_message());

  std::vector<HistoryBlob> blobs;
  std::unordered_set<std::string> seen_blobs;
  const git_commit* current = nullptr;
  std::string current_id;
  std::string current_date;
  TreeWalker walker(project, all_paths, [&](const git_oid& blob, const std::string& path) {
    std::string key = oid_key(blob);
    if (before != nullptr && before->blobs.contains(key)) return;
    if (!seen_blobs.insert(std::move(key)).second) return;
    if (stats) ++stats->blobs;
    if (current_id.empty()) {
      current_id = short_id(*libgit2().commit_id(current));
      current_date = commit_date(current);
    }
    blobs.push_back({blob, path, current_id, current_date});
  });

  git_oid id;
  while (libgit2().revwalk_next(&id, walk.get()) == 0) {
    git_commit* raw_commit = nullptr;
    if (libgit2().commit_lookup(&raw_commit, repository, &id) < 0)
      return fail("cannot read git commit " + short_id(id) + ": " + last_error_message());
    CommitPtr commit(raw_commit);
    if (stats) ++stats->commits;
    auto tree = commit_tree(commit.get());
    if (!tree) return std::unexpected(tree.error());
    current = commit.get();
    current_id.clear();
    if (auto walked = walker.walk(tree->get(), ""); !walked) return std::unexpected(walked.error());
  }
  return blobs;
}

std::vector<HistorySecret> history_secrets(const ProjectRepository& project, const std::vector<HistoryBlob>& blobs,
                                           std::vector<HistorySecret> known) {
  std::vector<HistorySecret> secrets = std::move(known);
  std::unordered_map<std::uint64_t, std::size_t> seen_secrets;  // digest -> index in `secrets`
  for (std::size_t i = 0; i < secrets.size(); ++i) seen_secrets.emplace(secrets[i].literal.digest, i);
  VersionFilter filter;  // the blobs come oldest first, so each path's previous version came before
  for (const HistoryBlob& blob : blobs)
    for (SecretLiteral& literal : blob_secrets(project.repository.get(), blob.blob, blob.path, &filter)) {
      const auto [seen, added] = seen_secrets.emplace(literal.digest, secrets.size());
      if (added) {
        secrets.push_back({std::move(literal), blob.path, blob.commit, blob.date});
      } else if (secrets[seen->second].literal.weight.weight == SecretWeight::throwaway &&
                 literal.weight.weight == SecretWeight::live) {
        // The value was first a test or dev credential and later a live one: the live use is what matters.
        secrets[seen->second] = {std::move(literal), blob.path, blob.commit, blob.date};
      }
    }
  return secrets;
}

Result<std::vector<HistorySecret>> scan_history(const ProjectRepository& project, const git_oid& start, bool all_paths,
                                                HistoryScanStats* stats) {
  auto blobs = walk_history(project, start, all_paths, stats);
  if (!blobs) return std::unexpected(blobs.error());
  return history_secrets(project, *blobs);
}

Result<std::vector<SecretLiteral>> tree_secrets(const ProjectRepository& project, git_commit* commit, bool all_paths) {
  auto tree = commit_tree(commit);
  if (!tree) return std::unexpected(tree.error());
  std::vector<SecretLiteral> secrets;
  TreeWalker walker(project, all_paths, [&](const git_oid& blob, const std::string& path) {
    for (SecretLiteral& literal : blob_secrets(project.repository.get(), blob, path))
      secrets.push_back(std::move(literal));
  });
  if (auto walked = walker.walk(tree->get(), ""); !walked) return std::unexpected(walked.error());
  return secrets;
}

Result<std::vector<TrackedFile>> index_files(const ProjectRepository& project) {
  git_index* raw = nullptr;
  if (libgit2().repository_index(&raw, project.repository.get()) < 0)
    return fail("cannot read the git index: " + last_error_message());
  IndexPtr index(raw);
  std::vector<TrackedFile> files;
  const std::size_t count = libgit2().index_entrycount(index.get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_index_entry* entry = libgit2().index_get_byindex(index.get(), i);
    if (entry == nullptr || entry->path == nullptr) continue;
    if (const auto path = project.project_path(entry->path)) files.push_back({*path, entry->id});
  }
  return files;
}

Result<std::vector<TrackedFile>> tree_files(const ProjectRepository& project, git_commit* commit) {
  auto tree = commit_tree(commit);
  if (!tree) return std::unexpected(tree.error());
  std::vector<TrackedFile> files;
  TreeWalker walker(project, true, [&](const git_oid& blob, const std::string& path) {
    files.push_back({path, blob});
  });
  if (auto walked = walker.walk(tree->get(), ""); !walked) return std::unexpected(walked.error());
  return files;
}

}  // namespace deployctl::checks::git
