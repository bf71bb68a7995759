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

nlohmann::ordered_json finding_entries(std::span<const Finding> findings) {
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (const Finding& finding : findings) {
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
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

void write_json(std::ostream& out, const Report& report, const ReportOptions&) {
  nlohmann::ordered_json document;
  document["tool"] = "deployctl";
  document["version"] = deployctl::version;
  document["findings"] = finding_entries(report.findings);
  // What the text summary says besides the counts: a tool reading the JSON must be able to tell a clean run from
  // one that could not see (unknown_settings) or that dropped findings on purpose (the silenced ones are listed).
  document["silenced"] = finding_entries(report.silenced);
  const Summary& summary = report.summary;
  document["summary"] = nlohmann::ordered_json{{"error", summary.error},
                                               {"warning", summary.warning},
                                               {"info", summary.info},
                                               {"suppressed", summary.suppressed},
                                               {"baselined", summary.baselined},
                                               {"silenced", summary.silenced},
                                               {"unknown_settings", summary.unknown_settings}};
  // Invalid UTF-8 (a message quoting odd bytes) is replaced, never a reason to fail the whole report.
  out << document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace deployctl::checks::report
