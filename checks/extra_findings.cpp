// Gathers the repository and runtime findings and merges them with the static ones, deduplicated by Django check
// id: a static finding knows where in the source the problem is; Django's message does not.
#include "checks/extra_findings.hpp"

#include <set>

#include "checks/django_runtime/runtime_checks.hpp"
#include "checks/django_runtime/runtime_findings.hpp"
#include "checks/git/repository_checks.hpp"

namespace deployctl::checks {

PendingRepositoryScan start_repository_scan(const CheckOptions& options) {
  if (!options.repository_checks) return {};
  // Two cores are the norm; loading libgit2 and reading the index cost about as much as the settings analysis.
  return std::async(std::launch::async, [project_dir = options.project_dir, all_paths = options.all_paths] {
    return git::RepositoryScan::start(project_dir, {all_paths, ""});
  });
}

Result<std::vector<Finding>> beyond_settings_findings(const CheckOptions& options, PendingRepositoryScan& repository,
                                                      const settings::SettingsModel& model,
                                                      std::string_view settings_module,
                                                      const settings::Environment& environment,
                                                      std::vector<std::string>& warnings) {
  std::vector<Finding> extra;
  if (repository.valid()) {
    auto scan = repository.get();
    if (!scan) return std::unexpected(scan.error());
    auto findings = scan->finish(&model);
    if (!findings) return std::unexpected(findings.error());
    extra = std::move(*findings);
  }
  if (options.django_runtime) {
    django_runtime::RuntimeRequest request;
    request.project_dir = model.project_dir.empty() ? options.project_dir : model.project_dir;
    request.settings_module = std::string(settings_module);
    request.environment = environment;
    auto messages = django_runtime::run_django_checks(request);
    if (!messages) {
      warnings.push_back("--django: cannot run Django's checks on " + request.settings_module + ": " +
                         messages.error().message + "; continuing with the static results");
    } else {
      for (Finding& finding : django_runtime::runtime_findings(*messages, model)) extra.push_back(std::move(finding));
    }
  }
  return extra;
}

void merge_extra_findings(std::vector<Finding>& findings, std::vector<Finding> extra, const RuleFilter& filter) {
  std::set<std::string> reported_checks;
  for (const Finding& finding : findings)
    if (finding.django_check) reported_checks.insert(*finding.django_check);
  for (Finding& finding : extra) {
    if (!filter.enabled(finding.rule)) continue;
    if (finding.django_check && !reported_checks.insert(*finding.django_check).second) continue;
    findings.push_back(std::move(finding));
  }
}

}  // namespace deployctl::checks
