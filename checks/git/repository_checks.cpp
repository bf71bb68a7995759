// GIT001-GIT003 put together: open the project's repository, list what is tracked, probe the ignore rules, scan
// the history, and turn what was found into findings under the GIT rules' metadata.
#include "checks/git/repository_checks.hpp"

#include <algorithm>
#include <optional>
#include <unordered_set>
#include <utility>

#include "checks/git/history_cache.hpp"
#include "checks/git/history_scan.hpp"
#include "checks/git/ignore_coverage.hpp"
#include "checks/git/sensitive_paths.hpp"
#include "checks/rules/registry.hpp"
#include "core/files.hpp"

namespace deployctl::checks::git {

namespace {

// Reports a finding at `where` (line 0: about the whole file); throwaway secrets are for information only.
void report(std::vector<Finding>& out, std::string_view rule_id, std::string message, const SourceSpan& where,
            SecretWeight weight = SecretWeight::live, std::string setting = {}) {
  const rules::Rule* rule = rules::find_rule(rule_id);
  if (rule == nullptr) return;
  rules::FindingSink sink(rule->info, out);
  const bool whole_file = where.line < 1;
  const python::Position position{whole_file ? 1 : where.line, whole_file ? 1 : where.column, 0, 0};
  sink.report(std::move(message), settings::Origin{where.file, position, whole_file}, std::move(setting));
  out.back().where.commit = where.commit;
  if (weight == SecretWeight::throwaway) out.back().severity = Severity::info;
}

SourceSpan whole(const std::string& file) { return SourceSpan{file, 0, 0, 0, 0, true, {}}; }

// The blob's text; nothing for a blob that cannot be read.
std::optional<std::string> blob_text(git_repository* repository, const git_oid& id) {
  git_blob* raw = nullptr;
  if (libgit2().blob_lookup(&raw, repository, &id) < 0) return std::nullopt;
  BlobPtr blob(raw);
  const auto size = static_cast<std::size_t>(libgit2().blob_rawsize(blob.get()));
  return std::string(static_cast<const char*>(libgit2().blob_rawcontent(blob.get())), size);
}

constexpr std::string_view tracked_consequence =
    ": every clone, fork and CI cache of the repository has its contents, and its history keeps them after the "
    "file is deleted.";

// An env file is worth a finding only for the secrets it holds: COMPOSE_PROJECT_NAME alone is no leak, and
// placeholders or dev-container passwords are no credential anyone can use elsewhere.
void report_env_file(const ProjectRepository& project, const TrackedFile& file, std::vector<Finding>& out) {
  const auto text = blob_text(project.repository.get(), file.blob);
  if (!text) return;
  const std::vector<SecretLiteral> secrets = find_secret_literals(*text, file.path);
  const auto live =
      std::ranges::find_if(secrets, [](const SecretLiteral& s) { return s.weight.weight == SecretWeight::live; });
  if (secrets.empty()) return;
  const SecretLiteral& first = live != secrets.end() ? *live : secrets.front();
  std::string names;
  std::size_t listed = 0;
  for (const SecretLiteral& secret : secrets) {
    if (live != secrets.end() && secret.weight.weight != SecretWeight::live) continue;
    if (++listed > 3) {
      names += ", ...";
      break;
    }
    names += (names.empty() ? "" : ", ") + secret.name + " (" + secret.size + ")";
  }
  std::string message = "env file " + file.path + " is tracked by git and holds " + names;
  if (live == secrets.end())
    message += ", which look like throwaway credentials (" + first.weight.reason +
               "); rotate them only if they are used anywhere else.";
  else
    message += std::string(tracked_consequence);
  report(out, "GIT001", std::move(message), SourceSpan{file.path, first.line, 1, 0, 0, false, {}}, first.weight.weight);
}

void report_tracked(const ProjectRepository& project, const std::vector<TrackedFile>& files,
                    std::vector<Finding>& out) {
  for (const TrackedFile& file : files) {
    if (is_env_file(file.path)) {
      report_env_file(project, file, out);
      continue;
    }
    if (!is_private_key_name(file.path) && !is_pem(file.path)) continue;
    if (is_pem(file.path)) {
      const auto text = blob_text(project.repository.get(), file.blob);
      if (!text || !pem_holds_private_key(*text)) continue;
    }
    const std::string throwaway = throwaway_path_reason(file.path);
    if (throwaway.empty())
      report(out, "GIT001", "private key " + file.path + " is tracked by git" + std::string(tracked_consequence),
             whole(file.path));
    else
      report(out, "GIT001",
             "private key " + file.path + " is tracked by git " + throwaway +
                 ": a test key is harmless unless it is trusted anywhere else.",
             whole(file.path), SecretWeight::throwaway);
  }
}

// One finding per file the settings make the app write (or read) in the working tree and git would not ignore;
// one for the env file however many places its loader looks in.
Result<void> report_ignore_gaps(const ProjectRepository& project, const settings::SettingsModel& model,
                                std::vector<Finding>& out) {
  auto gaps = ignore_gaps(project, ignore_probes(model, project.workdir / project.prefix));
  if (!gaps) return std::unexpected(gaps.error());
  bool env_reported = false;
  for (const IgnoreGap& gap : *gaps) {
    if (gap.probe.kind == IgnoreProbe::Kind::env_file && std::exchange(env_reported, true)) continue;
    report(out, "GIT003", gap.message, whole(".gitignore"), SecretWeight::live, gap.probe.setting);
  }
  return {};
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

void report_history(const std::vector<HistorySecret>& secrets, const std::unordered_set<std::uint64_t>& present,
                    std::vector<Finding>& out) {
  for (const HistorySecret& secret : secrets) {
    if (present.contains(secret.literal.digest)) continue;
    const bool throwaway = secret.literal.weight.weight == SecretWeight::throwaway;
    std::string message = secret.literal.name + " (" + secret.literal.size + ") was committed in " + secret.commit +
                          " (" + secret.date + ", line " + std::to_string(secret.literal.line) + " of " +
                          secret.path + ") and is still in the git history, though no tracked file has it now";
    if (throwaway)
      message += "; it looks like a throwaway credential (" + secret.literal.weight.reason +
                 "): rotate it only if it was ever used beyond that.";
    else
      message += ": everyone with a clone has it. Rotate it: rewriting history does not recall the copies "
                 "already cloned.";
    report(out, "GIT002", std::move(message),
           SourceSpan{secret.path, secret.literal.line, secret.literal.column, 0, 0, false, secret.commit},
           secret.literal.weight.weight, secret.literal.is_setting ? secret.literal.name : std::string());
  }
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
  std::vector<Finding> findings;      // GIT001 and GIT003, which need no parsing
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
  report_tracked(project, state->tracked, state->findings);
  if (!state->start) return RepositoryScan(std::move(state));  // a repository without commits has no history yet

  const git_oid& start = *libgit2().commit_id(state->start.get());
  state->cache_file = history_cache_file(project, options.all_paths);
  if (state->cache_file) {
    state->cache = load_history_cache(*state->cache_file, project, options.all_paths);
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

Result<std::vector<Finding>> RepositoryScan::finish(const settings::SettingsModel* model) {
  State& state = *state_;
  // GIT003 needs a working tree and the settings (what the app writes where).
  if (state.project && model != nullptr && state.options.revision.empty())
    if (auto reported = report_ignore_gaps(*state.project, *model, state.findings); !reported)
      return std::unexpected(reported.error());
  if (!state.project || !state.start) return std::move(state.findings);
  const ProjectRepository& project = *state.project;
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
  report_history(secrets, present, state.findings);
  return std::move(state.findings);
}

Result<std::vector<Finding>> check_repository(const std::filesystem::path& project_dir,
                                              const RepositoryCheckOptions& options,
                                              const settings::SettingsModel* model) {
  auto scan = RepositoryScan::start(project_dir, options);
  if (!scan) return std::unexpected(scan.error());
  return scan->finish(model);
}

}  // namespace deployctl::checks::git
