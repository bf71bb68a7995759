// The repository checks' facts put together: open the project's repository, list what is tracked, probe the
// ignore rules, scan the history, and keep what the GIT rules need to decide.
#include "checks/git/repository_checks.hpp"

#include <optional>
#include <unordered_set>

#include "checks/git/history_scan.hpp"
#include "checks/git/ignore_coverage.hpp"
#include "checks/git/sensitive_paths.hpp"
#include "core/files.hpp"

namespace deployctl::checks::git {

namespace {

bool blob_holds_private_key(git_repository* repository, const git_oid& id) {
  git_blob* raw = nullptr;
  if (libgit2().blob_lookup(&raw, repository, &id) < 0) return false;
  BlobPtr blob(raw);
  const auto size = static_cast<std::size_t>(libgit2().blob_rawsize(blob.get()));
  return pem_holds_private_key(std::string_view(static_cast<const char*>(libgit2().blob_rawcontent(blob.get())), size));
}

std::vector<SensitiveFile> sensitive_files(const ProjectRepository& project, const std::vector<TrackedFile>& files) {
  std::vector<SensitiveFile> found;
  for (const TrackedFile& file : files) {
    if (is_env_file(file.path))
      found.push_back({file.path, SensitiveFile::Kind::env_file});
    else if (is_private_key_name(file.path) ||
             (is_pem(file.path) && blob_holds_private_key(project.repository.get(), file.blob)))
      found.push_back({file.path, SensitiveFile::Kind::private_key});
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
  std::vector<HistoryBlob> history;
  RepositoryFacts facts;  // what needs no parsing: the sensitive files and the ignore gaps
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
    auto gaps = ignore_gaps(project);
    if (!gaps) return std::unexpected(gaps.error());
    state->facts.ignore_gaps = std::move(*gaps);
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

  auto history = walk_history(project, *libgit2().commit_id(state->start.get()), options.all_paths);
  if (!history) return std::unexpected(history.error());
  state->history = std::move(*history);
  return RepositoryScan(std::move(state));
}

Result<std::optional<RepositoryFacts>> RepositoryScan::finish() {
  State& state = *state_;
  if (!state.project) return std::nullopt;
  if (!state.start) return std::move(state.facts);
  const ProjectRepository& project = *state.project;
  const std::vector<HistorySecret> secrets = history_secrets(project, state.history);
  std::unordered_set<std::uint64_t> present;
  if (state.options.revision.empty()) {
    present = working_tree_secrets(project, state.tracked, state.options.all_paths);
  } else {
    auto at_revision = tree_secrets(project, state.start.get(), state.options.all_paths);
    if (!at_revision) return std::unexpected(at_revision.error());
    for (const SecretLiteral& literal : *at_revision) present.insert(literal.digest);
  }
  for (const HistorySecret& secret : secrets)
    if (!present.contains(secret.literal.digest)) state.facts.history_secrets.push_back(secret);
  return std::move(state.facts);
}

Result<std::optional<RepositoryFacts>> check_repository(const std::filesystem::path& project_dir,
                                              const RepositoryCheckOptions& options) {
  auto scan = RepositoryScan::start(project_dir, options);
  if (!scan) return std::unexpected(scan.error());
  return scan->finish();
}

}  // namespace deployctl::checks::git
