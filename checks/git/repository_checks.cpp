// The repository checks' facts put together: open the project's repository, list what is tracked (and what the
// env files and keys among it hold), scan the history through its cache, probe the ignore rules for what the
// settings name, and keep what the GIT rules need to decide.
#include "checks/git/repository_checks.hpp"

#include <optional>
#include <unordered_set>
#include <utility>

#include "checks/git/cache_text.hpp"
#include "checks/git/facts_cache.hpp"
#include "checks/git/history_cache.hpp"
#include "checks/git/history_scan.hpp"
#include "checks/git/ignore_coverage.hpp"
#include "checks/git/repository_look.hpp"
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

// The tracked files whose working-tree copies may still hold a secret the history has: settings-like ones, or all.
std::vector<std::string> scanned_files(const std::vector<TrackedFile>& files, bool all_paths) {
  std::vector<std::string> paths;
  for (const TrackedFile& file : files)
    if (all_paths || is_settings_like(file.path)) paths.push_back(file.path);
  return paths;
}

// The digests of the secrets those files still hold in the working tree: those are the static rules' to report
// where they are, not GIT002's.
std::unordered_set<std::uint64_t> working_tree_secrets(const std::filesystem::path& project_dir,
                                                       const std::vector<std::string>& paths) {
  std::unordered_set<std::uint64_t> digests;
  for (const std::string& path : paths) {
    auto text = read_text_file(project_dir / path);
    if (!text) continue;
    for (const SecretLiteral& literal : find_secret_literals(*text, path)) digests.insert(literal.digest);
  }
  return digests;
}

std::vector<HistorySecret> without_present(std::vector<HistorySecret> secrets,
                                           const std::unordered_set<std::uint64_t>& present) {
  std::vector<HistorySecret> kept;
  for (HistorySecret& secret : secrets)
    if (!present.contains(secret.literal.digest)) kept.push_back(std::move(secret));
  return kept;
}

std::vector<std::filesystem::path> probed_paths(const std::vector<IgnoreProbe>& probes) {
  std::vector<std::filesystem::path> paths;
  for (const IgnoreProbe& probe : probes) paths.push_back(probed_path(probe));
  return paths;
}

std::filesystem::path canonical_or_same(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : canonical;
}

bool same_git_dir(const ProjectRepository& project, const RepositoryLook& look) {
  const char* git_dir = libgit2().repository_path(project.repository.get());
  if (git_dir == nullptr) return false;
  std::string path(git_dir);
  while (path.size() > 1 && path.back() == '/') path.pop_back();  // libgit2 gives "/repo/.git/"
  return canonical_or_same(path) == canonical_or_same(look.git_dir);
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
  std::filesystem::path project_dir;
  std::filesystem::path start_dir;  // project_dir, absolute and canonical: the record's key
  bool outside_repository = false;  // no .git above: nothing to scan, no libgit2
  RepositoryCheckOptions options;
  std::optional<RepositoryLook> look;  // the repository's files before libgit2 read them
  std::optional<std::filesystem::path> record_file;
  std::optional<FactsRecord> record;         // the last full scan's facts, when they still hold
  std::optional<ProjectRepository> project;  // empty: not in a repository, or the facts came from the record
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

RepositoryScan RepositoryScan::look(const std::filesystem::path& project_dir, const RepositoryCheckOptions& options) {
  auto state = std::make_unique<State>();
  state->project_dir = project_dir;
  state->options = options;
  std::error_code ec;
  state->start_dir = std::filesystem::weakly_canonical(std::filesystem::absolute(project_dir, ec), ec);
  state->outside_repository = !nearest_dot_git(state->start_dir);
  if (state->outside_repository) return RepositoryScan(std::move(state));
  // A past revision (--new-since) is read once: only the current state is recorded.
  if (!options.revision.empty()) return RepositoryScan(std::move(state));
  state->look = look_at_repository(state->start_dir);
  if (!state->look) return RepositoryScan(std::move(state));
  state->record_file = facts_record_file(state->start_dir, options.all_paths);
  if (state->record_file) {
    state->record = load_facts_record(*state->record_file, state->start_dir, options.all_paths);
    if (state->record && state->record->look_state != state->look->state) state->record.reset();
  }
  return RepositoryScan(std::move(state));
}

bool RepositoryScan::complete() const { return state_->outside_repository || state_->record.has_value(); }

Result<RepositoryScan> RepositoryScan::start(const std::filesystem::path& project_dir,
                                             const RepositoryCheckOptions& options) {
  RepositoryScan scan = look(project_dir, options);
  if (auto scanned = scan.scan(); !scanned) return std::unexpected(scanned.error());
  return scan;
}

Result<void> RepositoryScan::scan() {
  State& state = *state_;
  if (complete()) return {};
  const RepositoryCheckOptions& options = state.options;
  auto opened = open_project_repository(state.project_dir);
  if (!opened) return std::unexpected(opened.error());
  if (!*opened) return {};
  state.project = std::move(**opened);
  const ProjectRepository& project = *state.project;
  git_repository* repository = project.repository.get();

  if (options.revision.empty()) {
    auto head = head_commit(repository);
    if (!head) return std::unexpected(head.error());
    state.start = std::move(*head);
    auto files = index_files(project);
    if (!files) return std::unexpected(files.error());
    state.tracked = std::move(*files);
  } else {
    auto commit = resolve_commit(repository, options.revision);
    if (!commit) return std::unexpected(commit.error());
    state.start = std::move(*commit);
    auto files = tree_files(project, state.start.get());
    if (!files) return std::unexpected(files.error());
    state.tracked = std::move(*files);
  }
  state.facts.sensitive_files = sensitive_files(project, state.tracked);
  if (!state.start) return {};  // a repository without commits has no history yet

  const git_oid& start = *libgit2().commit_id(state.start.get());
  state.cache_file = history_cache_file(project, options.all_paths);
  if (state.cache_file) {
    state.cache = load_history_cache(*state.cache_file, project, options.all_paths, &start);
    if (state.cache && !cache_still_applies(repository, *state.cache, start)) state.cache.reset();
  }
  if (state.cache && libgit2().oid_equal(&state.cache->scanned, &start)) return {};
  std::optional<ScannedBefore> before;
  if (state.cache) before.emplace(ScannedBefore{state.cache->scanned, state.cache->blobs});
  auto history = walk_history(project, start, options.all_paths, nullptr, before ? &*before : nullptr);
  if (!history) return std::unexpected(history.error());
  state.history = std::move(*history);
  return {};
}

Result<std::optional<RepositoryFacts>> RepositoryScan::finish_from_record(const settings::SettingsModel* model) {
  State& state = *state_;
  FactsRecord& record = *state.record;
  const std::filesystem::path project_dir = record.workdir / record.prefix;
  RepositoryFacts facts;
  facts.sensitive_files = record.sensitive_files;
  if (model != nullptr) {
    std::vector<IgnoreProbe> probes = ignore_probes(*model, project_dir);
    const std::string ignore_now = ignore_state(*state.look, canonical_or_same(record.workdir), probed_paths(probes));
    if (probes == record.probes && ignore_now == record.ignore_state) {
      facts.ignore_gaps = record.ignore_gaps;
    } else {
      // The settings name other paths, or an ignore file changed: libgit2 decides, and the record learns it.
      auto opened = open_project_repository(state.project_dir);
      if (!opened) return std::unexpected(opened.error());
      if (!*opened) return fail("the git repository of " + state.project_dir.string() + " can no longer be opened");
      auto gaps = ignore_gaps(**opened, probes);
      if (!gaps) return std::unexpected(gaps.error());
      facts.ignore_gaps = *gaps;
      record.probes = std::move(probes);
      record.ignore_state = ignore_now;
      record.ignore_gaps = std::move(*gaps);
      if (state.record_file) save_facts_record(*state.record_file, state.start_dir, state.options.all_paths, record);
    }
  }
  facts.history_secrets =
      without_present(record.history_secrets, working_tree_secrets(project_dir, record.scanned_files));
  return facts;
}

Result<std::optional<RepositoryFacts>> RepositoryScan::finish(const settings::SettingsModel* model) {
  State& state = *state_;
  if (state.record) return finish_from_record(model);
  if (!state.project) return std::nullopt;
  const ProjectRepository& project = *state.project;
  // GIT003 needs a working tree and the settings (what the app writes where).
  std::vector<IgnoreProbe> probes;
  std::string ignore_before;  // the ignore files' state before libgit2 read them, for the record
  if (model != nullptr && state.options.revision.empty()) {
    probes = ignore_probes(*model, project.workdir / project.prefix);
    if (state.look) ignore_before = ignore_state(*state.look, canonical_or_same(project.workdir), probed_paths(probes));
    auto gaps = ignore_gaps(project, probes);
    if (!gaps) return std::unexpected(gaps.error());
    state.facts.ignore_gaps = std::move(*gaps);
  }
  if (!state.start) return std::move(state.facts);
  std::vector<HistorySecret> known;
  if (state.cache) known = std::move(state.cache->secrets);
  const git_oid& start = *libgit2().commit_id(state.start.get());
  const bool walked = !state.cache || !state.history.empty() || !libgit2().oid_equal(&state.cache->scanned, &start);
  std::vector<HistorySecret> secrets = history_secrets(project, state.history, std::move(known));
  // Only a scan of HEAD's history is kept: --new-since looks at an older state once.
  if (walked && state.cache_file && state.options.revision.empty()) {
    HistoryCache updated;
    updated.scanned = start;
    if (state.cache) updated.blobs = std::move(state.cache->blobs);
    for (const HistoryBlob& blob : state.history) updated.blobs.insert(oid_key(blob.blob));
    updated.secrets = secrets;
    save_history_cache(*state.cache_file, project, state.options.all_paths, updated);
  }
  std::unordered_set<std::uint64_t> present;
  if (state.options.revision.empty()) {
    const std::vector<std::string> scanned = scanned_files(state.tracked, state.options.all_paths);
    present = working_tree_secrets(project.workdir / project.prefix, scanned);
    if (state.look && state.record_file) {
      FactsRecord record{state.look->state,           project.workdir, project.prefix,    scanned,
                         state.facts.sensitive_files, secrets,         std::move(probes), std::move(ignore_before),
                         state.facts.ignore_gaps};
      // Kept only when libgit2 read the repository the look saw, and its files are still as they were before.
      const auto again = look_at_repository(state.start_dir);
      if (again && again->state == state.look->state && state.look->head == hex(oid_key(start)) &&
          same_git_dir(project, *state.look))
        save_facts_record(*state.record_file, state.start_dir, state.options.all_paths, record);
    }
  } else {
    auto at_revision = tree_secrets(project, state.start.get(), state.options.all_paths);
    if (!at_revision) return std::unexpected(at_revision.error());
    for (const SecretLiteral& literal : *at_revision) present.insert(literal.digest);
  }
  state.facts.history_secrets = without_present(std::move(secrets), present);
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
