// Compares by fingerprint (rule, file, setting and the normalised source line, never the line number), so that a
// finding that only moved since REF is not new.
#include "checks/new_since.hpp"

#include <set>

#include "checks/findings/fingerprint.hpp"
#include "checks/git/tree_snapshot.hpp"

namespace deployctl::checks {

Result<void> keep_new_since(CheckResult& result, const CheckOptions& options) {
  const std::string& revision = *options.new_since;
  auto snapshot = git::TreeSnapshot::create(options.project_dir, revision);
  if (!snapshot) return std::unexpected(snapshot.error());

  CheckOptions then = options;
  then.project_dir = snapshot->project_dir();
  then.new_since.reset();
  // The snapshot is no repository: the GIT rules at REF see the project's repository as of REF.
  then.repository_at = CheckOptions::RepositoryAt{options.project_dir, revision};
  std::vector<Finding> before;
  std::vector<SourceFile> before_sources;
  if (auto analysed = check_project(then)) {
    before = std::move(analysed->findings);
    before_sources = std::move(analysed->model.files);
  } else {
    result.warnings.push_back("--new-since: the settings as they were at " + revision +
                              " cannot be analysed, so every finding counts as new (" + analysed.error().message + ")");
  }
  bool gitignore_changed = false;
  if (options.repository_checks) {
    auto changed = git::gitignore_changed_since(options.project_dir, revision);
    if (!changed) return std::unexpected(changed.error());
    gitignore_changed = *changed;
  }

  std::set<std::string> known;
  for (const Fingerprint& print : fingerprint_findings(before, before_sources)) known.insert(print.hash);
  const std::vector<Fingerprint> now = fingerprint_findings(result.findings, result.model.files);
  std::vector<Finding> kept;
  for (std::size_t i = 0; i < result.findings.size(); ++i) {
    Finding& finding = result.findings[i];
    if (known.contains(now[i].hash)) continue;
    // GIT003 describes the working tree's ignore rules, which have no state at REF: new only if they changed.
    if (finding.rule == "GIT003" && !gitignore_changed) continue;
    kept.push_back(std::move(finding));
  }
  result.findings = std::move(kept);
  result.summary = result.summary.recounted(result.findings);
  return {};
}

}  // namespace deployctl::checks
