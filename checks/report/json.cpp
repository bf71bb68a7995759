// The json reporter: a fixed key order (the documented shape) and null for absent setting/django_check.
#include <nlohmann/json.hpp>

#include <ostream>

#include "checks/report/report.hpp"
#include "core/version.hpp"

namespace deployctl::checks::report {

namespace {

nlohmann::ordered_json optional_string(const std::optional<std::string>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

}  // namespace

void write_json(std::ostream& out, const Report& report, const ReportOptions&) {
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const Finding& finding : report.findings) {
    nlohmann::ordered_json entry;
    entry["rule"] = finding.rule;
    entry["severity"] = to_string(finding.severity);
    entry["message"] = finding.message;
    entry["file"] = finding.where.file;
    entry["line"] = finding.where.line;
    entry["column"] = finding.where.column;
    if (!finding.where.commit.empty()) entry["commit"] = finding.where.commit;
    entry["setting"] = optional_string(finding.setting);
    entry["django_check"] = optional_string(finding.django_check);
    findings.push_back(std::move(entry));
  }
  nlohmann::ordered_json document;
  document["tool"] = "deployctl";
  document["version"] = deployctl::version;
  document["findings"] = std::move(findings);
  document["summary"] = nlohmann::ordered_json{
      {"error", report.summary.error}, {"warning", report.summary.warning}, {"info", report.summary.info}};
  // Invalid UTF-8 (a message quoting odd bytes) is replaced, never a reason to fail the whole report.
  out << document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace deployctl::checks::report
