// The github reporter: GitHub Actions workflow commands, which the runner turns into annotations on the
// pull request's diff (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).
#include <ostream>
#include <string>

#include "checks/report/report.hpp"

namespace deployctl::checks::report {

namespace {

std::string_view command_for(Severity severity) {
  switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "notice";
  }
  return "warning";
}

// The runner's escaping: in the message '%', CR and LF; in property values also ':' and ','.
std::string escape(std::string_view text, bool property) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

void write_github(std::ostream& out, const Report& report, const ReportOptions&) {
  for (const Finding& finding : report.findings) {
    const SourceSpan& where = finding.where;
    std::string properties;
    const auto add = [&](std::string_view name, std::string_view value) {
      properties += (properties.empty() ? "" : ",") + std::string(name) + "=" + escape(value, true);
    };
    if (!where.file.empty()) {
      add("file", repository_file(report, where.file));
      // A whole-file finding is a file annotation; an old commit's line would be misplaced in today's file.
      if (where.line > 0 && !where.whole_file && where.commit.empty()) {
        add("line", std::to_string(where.line));
        if (where.column > 0) add("col", std::to_string(where.column));
        if (where.end_line >= where.line && where.end_line > 0) {
          add("endLine", std::to_string(where.end_line));
          if (where.end_column > 0) add("endColumn", std::to_string(where.end_column));
        }
      }
    }
    add("title", finding.rule);
    std::string message = finding.message;
    if (!finding.fix.empty()) message += "\nhelp: " + finding.fix;
    out << "::" << command_for(finding.severity) << ' ' << properties << "::" << escape(message, false) << '\n';
  }
}

}  // namespace deployctl::checks::report
