// `--statistics`: how often each rule fired, for a first look at a project's debt or a baseline's contents.
#include <algorithm>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "checks/report/report.hpp"
#include "checks/rules/registry.hpp"

namespace deployctl::checks::report {

void write_statistics(std::ostream& out, const Report& report, const ReportOptions&) {
  struct Row {
    std::string rule;
    Severity severity;
    int count = 0;
  };
  std::vector<Row> rows;
  std::map<std::string, std::size_t> index;
  for (const Finding& finding : report.findings) {
    const auto [it, added] = index.emplace(finding.rule, rows.size());
    if (added) rows.push_back({finding.rule, finding.severity, 0});
    Row& row = rows[it->second];
    row.count += 1;
    row.severity = std::max(row.severity, finding.severity);
  }
  std::ranges::stable_sort(rows, [](const Row& a, const Row& b) {
    return a.count != b.count ? a.count > b.count : a.rule < b.rule;
  });
  constexpr std::size_t severity_width = std::string_view("[warning]").size();
  std::size_t count_width = 1;
  std::size_t rule_width = 1;
  for (const Row& row : rows) {
    count_width = std::max(count_width, std::to_string(row.count).size());
    rule_width = std::max(rule_width, row.rule.size());
  }
  for (const Row& row : rows) {
    const std::string count = std::to_string(row.count);
    const rules::Rule* rule = rules::find_rule(row.rule);
    out << std::string(count_width - count.size(), ' ') << count << "  " << row.rule
        << std::string(rule_width - row.rule.size(), ' ');
    const std::string severity = "[" + std::string(to_string(row.severity)) + "]";
    out << "  " << severity;
    if (rule != nullptr) out << std::string(severity_width - severity.size() + 2, ' ') << rule->info.name;
    out << '\n';
  }
}

}  // namespace deployctl::checks::report
