// Compares by fingerprint (rule, file, setting and the normalised source line, never the line number), so that a
// finding that only moved since REF is not new.
#include "checks/new_since.hpp"

#include <set>

#include "checks/findings/fingerprint.hpp"
#include "checks/git/ignore_coverage.hpp"
#include "checks/git/tree_snapshot.hpp"

namespace deployctl::checks {

namespace {

namespace fs = std::filesystem;

// What the settings name for GIT003 (MEDIA_ROOT, LOGGING's files, the env file), as (setting, path relative to the
// project dir) pairs; the settings at REF were evaluated in the snapshot, so each side is relative to its own dir.
std::set<std::pair<std::string, std::string>> probed_paths(const settings::SettingsModel& model, const fs::path& dir) {
  std::set<std::pair<std::string, std::string>> out;
  const fs::path base = fs::absolute(model.project_dir.empty() ? dir : model.project_dir).lexically_normal();
  for (const git::IgnoreProbe& probe : git::ignore_probes(model, base))
    out.emplace(probe.setting, probe.path.lexically_relative(base).generic_string());
  return out;
}

}  // namespace

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
  std::optional<std::set<std::pair<std::string, std::string>>> probed_then;  // none: REF could not be analysed
  if (auto analysed = check_project(then)) {
    before = std::move(analysed->findings);
    before_sources = std::move(analysed->model.files);
    probed_then = probed_paths(analysed->model, snapshot->project_dir());
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

  const auto probed_now = probed_paths(result.model, options.project_dir);
  std::set<std::string> known;
  for (const Fingerprint& print : fingerprint_findings(before, before_sources)) known.insert(print.hash);
  const std::vector<Fingerprint> now = fingerprint_findings(result.findings, result.model.files);
  std::vector<Finding> kept;
  for (std::size_t i = 0; i < result.findings.size(); ++i) {
    Finding& finding = result.findings[i];
    if (known.contains(now[i].hash)) continue;
    // GIT003 is about the ignore files and what the settings name: new when the ignore files changed since REF, or
    // when the settings at REF did not name the path (a MEDIA_ROOT moved, a log file added).
    if (finding.rule == "GIT003" && !gitignore_changed && probed_then) {
      const std::string setting = finding.setting.value_or("");
      bool named_anew = false;
      for (const auto& [probe_setting, path] : probed_now)
        if (probe_setting == setting && !probed_then->contains({probe_setting, path})) named_anew = true;
      if (!named_anew) continue;
    }
    kept.push_back(std::move(finding));
  }
  result.findings = std::move(kept);
  result.summary = result.summary.recounted(result.findings);
  return {};
}

}  // namespace deployctl::checks
