// The repository checks' facts put together: open the project's repository, list what is tracked (and what the
// env files and keys among it hold), scan the history through its cache, probe the ignore rules for what the
// settings name, and keep what the GIT rules need to decide.
#include "checks/git/repository_checks.hpp"

#include <optional>
#include <unordered_set>
#include <utility>

#include "checks/git/history_cache.hpp"
#include "checks/git/history_scan.hpp"
#include "checks/git/ignore_coverage.hpp"
#include "checks/git/sensitive_paths.hpp"
#include "core/files.hpp"

namespace deployctl::checks::git {

namespace {

// The blob's text; nothing for a blob that cannot be read.
std::optional<std::string> blob_text(git_repository* repository, const git_oid& id) {
  git_blob* raw = nullptr;
  if (libgit2().blob_lookup(&raw, repository, &id) < 0) return std::nullopt;
  BlobPtr blob(raw);
  const auto size = static_cast<std::size_t>(libgit2().blob_rawsize(blob.get()));
  return std::string(static_cast<const char*>(libgit2().blob_rawcontent(blob.get())), size);
}

// Env files with the secrets they hold (one holding none, COMPOSE_PROJECT_NAME alone, is no leak), and private
// keys with whether their path says they are test keys.
std::vector<SensitiveFile> sensitive_files(const ProjectRepository& project, const std::vector<TrackedFile>& files) {
  std::vector<SensitiveFile> found;
  for (const TrackedFile& file : files) {
    if (is_env_file(file.path)) {
      const auto text = blob_text(project.repository.get(), file.blob);
      if (!text) continue;
      std::vector<SecretLiteral> secrets = find_secret_literals(*text, file.path);
      if (!secrets.empty()) found.push_back({file.path, SensitiveFile::Kind::env_file, std::move(secrets), {}});
      continue;
    }
    if (!is_private_key_name(file.path) && !is_pem(file.path)) continue;
    if (is_pem(file.path)) {
      const auto text = blob_text(project.repository.get(), file.blob);
      if (!text || !pem_holds_private_key(*text)) continue;
    }
    found.push_back({file.path, SensitiveFile::Kind::private_key, {}, throwaway_path_reason(file.path)});
  }
  return found;
}

// The digests of the secrets a tracked file of the working tree still holds: those are the static rules' to
// report where they are, not GIT002's.
std::unordered_set<std::uint64_t> working_tree_secrets(const ProjectRepository& project,
                                                       const std::vector<TrackedFile>& files, bool all_paths) {
  std::unordered_set<std::uint64_t> digests;
  for (const TrackedFile& file : files) {
    if (!all_paths && !is_settings_like(file.path)) continue;
    auto text = read_text_file(project.workdir / (project.prefix + file.path));
    if (!text) continue;
    for (const SecretLiteral& literal : find_secret_literals(*text, file.path)) digests.insert(literal.digest);
  }
  return digests;
}

// Whether what the cache covers is still part of the history from `start`: its commit must be `start` or one of
// its ancestors. After a rewrite (rebase, filter-repo, reset to elsewhere) it is not, and everything is rescanned.
bool cache_still_applies(git_repository* repository, const HistoryCache& cache, const git_oid& start) {
  if (libgit2().oid_equal(&cache.scanned, &start)) return true;
  return libgit2().graph_descendant_of(repository, &start, &cache.scanned) == 1;
}

Result<CommitPtr> head_commit(git_repository* repository) {
  git_reference* raw = nullptr;
  const int status = libgit2().repository_head(&raw, repository);
  if (status == GIT_EUNBORNBRANCH || status == GIT_ENOTFOUND) return CommitPtr();
  if (status < 0) return fail("cannot read the git HEAD: " + last_error_message());
  libgit2().reference_free(raw);
  return resolve_commit(repository, "HEAD");
}

}  // namespace

struct RepositoryScan::State {
  RepositoryCheckOptions options;
  std::optional<ProjectRepository> project;  // empty: not in a repository
  CommitPtr start;                           // empty: no commits yet
  std::vector<TrackedFile> tracked;
  std::vector<HistoryBlob> history;  // the blobs not in the cache
  std::optional<std::filesystem::path> cache_file;
  std::optional<HistoryCache> cache;  // what an earlier run found, when it still applies
  RepositoryFacts facts;              // what needs no parsing and no settings: the sensitive files
};

RepositoryScan::RepositoryScan(std::unique_ptr<State> state) : state_(std::move(state)) {}
RepositoryScan::RepositoryScan(RepositoryScan&&) noexcept = default;
RepositoryScan& RepositoryScan::operator=(RepositoryScan&&) noexcept = default;
RepositoryScan::~RepositoryScan() = default;

Result<RepositoryScan> RepositoryScan::start(const std::filesystem::path& project_dir,
                                             const RepositoryCheckOptions& options) {
  auto state = std::make_unique<State>();
  state->options = options;
  auto opened = open_project_repository(project_dir);
  if (!opened) return std::unexpected(opened.error());
  if (!*opened) return RepositoryScan(std::move(state));
  state->project = std::move(**opened);
  const ProjectRepository& project = *state->project;
  git_repository* repository = project.repository.get();

  if (options.revision.empty()) {
    auto head = head_commit(repository);
    if (!head) return std::unexpected(head.error());
    state->start = std::move(*head);
    auto files = index_files(project);
    if (!files) return std::unexpected(files.error());
    state->tracked = std::move(*files);
  } else {
    auto commit = resolve_commit(repository, options.revision);
    if (!commit) return std::unexpected(commit.error());
    state->start = std::move(*commit);
    auto files = tree_files(project, state->start.get());
    if (!files) return std::unexpected(files.error());
    state->tracked = std::move(*files);
  }
  state->facts.sensitive_files = sensitive_files(project, state->tracked);
  if (!state->start) return RepositoryScan(std::move(state));  // a repository without commits has no history yet

  const git_oid& start = *libgit2().commit_id(state->start.get());
  state->cache_file = history_cache_file(project, options.all_paths);
  if (state->cache_file) {
    state->cache = load_history_cache(*state->cache_file, project, options.all_paths, &start);
    if (state->cache && !cache_still_applies(repository, *state->cache, start)) state->cache.reset();
  }
  if (state->cache && libgit2().oid_equal(&state->cache->scanned, &start)) return RepositoryScan(std::move(state));
  std::optional<ScannedBefore> before;
  if (state->cache) before.emplace(ScannedBefore{state->cache->scanned, state->cache->blobs});
  auto history = walk_history(project, start, options.all_paths, nullptr, before ? &*before : nullptr);
  if (!history) return std::unexpected(history.error());
  state->history = std::move(*history);
  return RepositoryScan(std::move(state));
}

Result<std::optional<RepositoryFacts>> RepositoryScan::finish(const settings::SettingsModel* model) {
  State& state = *state_;
  if (!state.project) return std::nullopt;
  const ProjectRepository& project = *state.project;
  // GIT003 needs a working tree and the settings (what the app writes where).
  if (model != nullptr && state.options.revision.empty()) {
    auto gaps = ignore_gaps(project, ignore_probes(*model, project.workdir / project.prefix));
    if (!gaps) return std::unexpected(gaps.error());
    state.facts.ignore_gaps = std::move(*gaps);
  }
  if (!state.start) return std::move(state.facts);
  std::vector<HistorySecret> known;
  if (state.cache) known = std::move(state.cache->secrets);
  const bool walked = !state.cache || !state.history.empty() ||
                      !libgit2().oid_equal(&state.cache->scanned, libgit2().commit_id(state.start.get()));
  std::vector<HistorySecret> secrets = history_secrets(project, state.history, std::move(known));
  // Only a scan of HEAD's history is kept: --new-since looks at an older state once.
  if (walked && state.cache_file && state.options.revision.empty()) {
    HistoryCache updated;
    updated.scanned = *libgit2().commit_id(state.start.get());
    if (state.cache) updated.blobs = std::move(state.cache->blobs);
    for (const HistoryBlob& blob : state.history) updated.blobs.insert(oid_key(blob.blob));
    updated.secrets = secrets;
    save_history_cache(*state.cache_file, project, state.options.all_paths, updated);
  }
  std::unordered_set<std::uint64_t> present;
  if (state.options.revision.empty()) {
    present = working_tree_secrets(project, state.tracked, state.options.all_paths);
  } else {
    auto at_revision = tree_secrets(project, state.start.get(), state.options.all_paths);
    if (!at_revision) return std::unexpected(at_revision.error());
    for (const SecretLiteral& literal : *at_revision) present.insert(literal.digest);
  }
  for (HistorySecret& secret : secrets)
    if (!present.contains(secret.literal.digest)) state.facts.history_secrets.push_back(std::move(secret));
  return std::move(state.facts);
}

Result<std::optional<RepositoryFacts>> check_repository(const std::filesystem::path& project_dir,
                                                        const RepositoryCheckOptions& options,
                                                        const settings::SettingsModel* model) {
  auto scan = RepositoryScan::start(project_dir, options);
  if (!scan) return std::unexpected(scan.error());
  return scan->finish(model);
}

}  // namespace deployctl::checks::git
