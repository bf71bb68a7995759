// The junit reporter: the XML that CI test dashboards (GitLab, Jenkins, Azure DevOps) read, with a test
// suite per file and a test case per rule, so that a dashboard shows which checks fail where.
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "checks/report/report.hpp"

namespace deployctl::checks::report {

namespace {

// XML 1.0 text and attribute escaping; control characters XML cannot carry at all become U+FFFD.
std::string xml(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += "&#9;"; break;
      default: out += byte < 0x20 ? std::string("\xEF\xBF\xBD") : std::string(1, c);
    }
  }
  return out;
}

std::string location(const std::string& path, const SourceSpan& where) {
  std::string out = path;
  if (where.line <= 0 || where.whole_file) return out;  // about the whole file: no line to name
  out += ":" + std::to_string(where.line);
  if (where.column > 0) out += ":" + std::to_string(where.column);
  return out;
}

}  // namespace

void write_junit(std::ostream& out, const Report& report, const ReportOptions&) {
  // file -> rule -> its findings, both in report order of first appearance.
  std::vector<std::string> files;
  std::map<std::string, std::vector<std::string>> rules_of;
  std::map<std::pair<std::string, std::string>, std::vector<const Finding*>> findings_of;
  for (const Finding& finding : report.findings) {
    const std::string path = repository_file(report, finding.where.file);
    auto& rules = rules_of[path];
    if (rules.empty()) files.push_back(path);
    auto& findings = findings_of[{path, finding.rule}];
    if (findings.empty()) rules.push_back(finding.rule);
    findings.push_back(&finding);
  }
  std::size_t cases = 0;
  for (const auto& file : files) cases += rules_of[file].size();

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"deployctl\" tests=\"" << cases << "\" failures=\"" << cases << "\" errors=\"0\">\n";
  for (const std::string& file : files) {
    const auto& rules = rules_of[file];
    out << "  <testsuite name=\"" << xml(file) << "\" tests=\"" << rules.size() << "\" failures=\"" << rules.size()
        << "\" errors=\"0\" skipped=\"0\">\n";
    for (const std::string& rule : rules) {
      out << "    <testcase name=\"" << xml(rule) << "\" classname=\"" << xml(file) << "\">\n";
      for (const Finding* finding : findings_of[{file, rule}]) {
        std::string body = location(file, finding->where) + ": " + finding->rule + " [" +
                           std::string(to_string(finding->severity)) + "] " + finding->message;
        if (!finding->fix.empty()) body += "\nhelp: " + finding->fix;
        out << "      <failure message=\"" << xml(finding->message) << "\" type=\"" << to_string(finding->severity)
            << "\">" << xml(body) << "</failure>\n";
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace deployctl::checks::report
