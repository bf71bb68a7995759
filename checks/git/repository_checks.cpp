// GIT001-GIT003 put together: open the project's repository, list what is tracked, probe the ignore rules, scan
// the history, and turn what was found into findings under the GIT rules' metadata.
#include "checks/git/repository_checks.hpp"

#include <optional>
#include <unordered_set>

#include "checks/git/history_scan.hpp"
#include "checks/git/ignore_coverage.hpp"
#include "checks/git/sensitive_paths.hpp"
#include "checks/rules/registry.hpp"
#include "core/files.hpp"

namespace deployctl::checks::git {

namespace {

// Reports a finding about a whole file (a tracked file, .gitignore, a file as it was in an old commit).
void report(std::vector<Finding>& out, std::string_view rule_id, std::string message, const std::string& file,
            std::string setting = {}) {
  const rules::Rule* rule = rules::find_rule(rule_id);
  if (rule == nullptr) return;
  rules::FindingSink sink(rule->info, out);
  sink.report(std::move(message), settings::Origin{file, python::Position{1, 1, 0, 0}, true}, std::move(setting));
}

bool blob_holds_private_key(git_repository* repository, const git_oid& id) {
  git_blob* raw = nullptr;
  if (libgit2().blob_lookup(&raw, repository, &id) < 0) return false;
  BlobPtr blob(raw);
  const auto size = static_cast<std::size_t>(libgit2().blob_rawsize(blob.get()));
  return pem_holds_private_key(std::string_view(static_cast<const char*>(libgit2().blob_rawcontent(blob.get())), size));
}

void report_tracked(const ProjectRepository& project, const std::vector<TrackedFile>& files, std::vector<Finding>& out) {
  constexpr std::string_view consequence =
      ": every clone, fork and CI cache of the repository has its contents, and its history keeps them after "
      "the file is deleted.";
  for (const TrackedFile& file : files) {
    if (is_env_file(file.path))
      report(out, "GIT001", "env file " + file.path + " is tracked by git" + std::string(consequence), file.path);
    else if (is_private_key_name(file.path) ||
             (is_pem(file.path) && blob_holds_private_key(project.repository.get(), file.blob)))
      report(out, "GIT001", "private key " + file.path + " is tracked by git" + std::string(consequence), file.path);
  }
}

Result<void> report_ignore_gaps(const ProjectRepository& project, std::vector<Finding>& out) {
  auto gaps = ignore_gaps(project);
  if (!gaps) return std::unexpected(gaps.error());
  for (const IgnoreGap& gap : *gaps)
    report(out, "GIT003",
           gap.what + " are not ignored by git (" + gap.probe + " would be committed by `git add .`); add " +
               gap.patterns + " to .gitignore.",
           ".gitignore");
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
    report(out, "GIT002",
           secret.literal.name + " (" + secret.literal.size + ") was committed in " + secret.commit + " (" +
               secret.date + ", line " + std::to_string(secret.literal.line) + " of " + secret.path +
               ") and is still in the git history, though no tracked file has it now: everyone with a clone has "
               "it. Rotate it: rewriting history does not recall the copies already cloned.",
           secret.path, secret.literal.is_setting ? secret.literal.name : std::string());
  }
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
  std::vector<Finding> findings;  // GIT001 and GIT003, which need no parsing
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
    if (auto reported = report_ignore_gaps(project, state->findings); !reported)
      return std::unexpected(reported.error());
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

  auto history = walk_history(project, *libgit2().commit_id(state->start.get()), options.all_paths);
  if (!history) return std::unexpected(history.error());
  state->history = std::move(*history);
  return RepositoryScan(std::move(state));
}

Result<std::vector<Finding>> RepositoryScan::finish() {
  State& state = *state_;
  if (!state.project || !state.start) return std::move(state.findings);
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
  report_history(secrets, present, state.findings);
  return std::move(state.findings);
}

Result<std::vector<Finding>> check_repository(const std::filesystem::path& project_dir,
                                              const RepositoryCheckOptions& options) {
  auto scan = RepositoryScan::start(project_dir, options);
  if (!scan) return std::unexpected(scan.error());
  return scan->finish();
}

}  // namespace deployctl::checks::git
