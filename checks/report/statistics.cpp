// `--statistics`: how often each rule fired, for a first look at a project's debt or a baseline's contents, and
// what SILENCED_SYSTEM_CHECKS silenced.
#include <algorithm>
#include <map>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "checks/report/report.hpp"
#include "checks/rules/registry.hpp"

namespace deployctl::checks::report {

void write_statistics(std::ostream& out, const Report& report, const ReportOptions&) {
  struct Row {
    std::string rule;
    std::string label;  // "[error]", "[warning]", "[info]", or "[silenced]" for SILENCED_SYSTEM_CHECKS
    Severity severity;
    int count = 0;
  };
  std::vector<Row> rows;
  const auto add_rows = [&rows](std::span<const Finding> findings, bool silenced) {
    std::map<std::string, std::size_t> index;
    const std::size_t first = rows.size();
    for (const Finding& finding : findings) {
      const auto [it, added] = index.emplace(finding.rule, rows.size());
      if (added) rows.push_back({finding.rule, "", finding.severity, 0});
      Row& row = rows[it->second];
      row.count += 1;
      row.severity = std::max(row.severity, finding.severity);
    }
    for (std::size_t i = first; i < rows.size(); ++i)
      rows[i].label = silenced ? "[silenced]" : "[" + std::string(to_string(rows[i].severity)) + "]";
    std::stable_sort(rows.begin() + static_cast<std::ptrdiff_t>(first), rows.end(), [](const Row& a, const Row& b) {
      return a.count != b.count ? a.count > b.count : a.rule < b.rule;
    });
  };
  add_rows(report.findings, false);
  add_rows(report.silenced, true);  // after the findings: they were dropped, as Django drops them
  std::size_t count_width = 1;
  std::size_t rule_width = 1;
  std::size_t label_width = std::string_view("[warning]").size();
  for (const Row& row : rows) {
    count_width = std::max(count_width, std::to_string(row.count).size());
    rule_width = std::max(rule_width, row.rule.size());
    label_width = std::max(label_width, row.label.size());
  }
  for (const Row& row : rows) {
    const std::string count = std::to_string(row.count);
    const rules::Rule* rule = rules::find_rule(row.rule);
    out << std::string(count_width - count.size(), ' ') << count << "  " << row.rule
        << std::string(rule_width - row.rule.size(), ' ');
    out << "  " << row.label;
    if (rule != nullptr) out << std::string(label_width - row.label.size() + 2, ' ') << rule->info.name;
    out << '\n';
  }
}

}  // namespace deployctl::checks::report
