// The gitlab reporter: a Code Quality report (https://docs.gitlab.com/ci/testing/code_quality/), the
// Code Climate issue subset GitLab reads, with fingerprints that stay put when lines move.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <ostream>

#include "checks/findings/fingerprint.hpp"
#include "checks/report/report.hpp"

namespace deployctl::checks::report {

namespace {

using Json = nlohmann::ordered_json;

// GitLab's levels are info, minor, major, critical and blocker. An error (a deploy that is unsafe as
// configured) is critical; blocker is left for problems that stop code from running, which a settings
// linter does not claim to know.
std::string_view gitlab_severity(Severity severity) {
  switch (severity) {
    case Severity::error: return "critical";
    case Severity::warning: return "major";
    case Severity::info: return "info";
  }
  return "major";
}

// GitLab compares fingerprints as opaque strings and shows MD5s in its own reports: 32 hex digits suffice.
constexpr std::size_t fingerprint_digits = 32;

}  // namespace

void write_gitlab(std::ostream& out, const Report& report, const ReportOptions&) {
  const std::vector<Fingerprint> fingerprints = fingerprint_findings(report.findings, report.sources);
  Json issues = Json::array();
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    const Finding& finding = report.findings[i];
    Json issue;
    issue["description"] = finding.rule + ": " + finding.message;
    issue["check_name"] = finding.rule;
    issue["fingerprint"] = fingerprints[i].hash.substr(0, fingerprint_digits);
    issue["severity"] = gitlab_severity(finding.severity);
    issue["location"] = {{"path", repository_file(report, finding.where.file)},
                         {"lines", {{"begin", std::max(1, finding.where.line)}}}};
    issues.push_back(std::move(issue));
  }
  out << issues.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace deployctl::checks::report
