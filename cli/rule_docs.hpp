// Rule metadata rendered for people and tools: `deployctl rules` (text, json, markdown = share/docs/rules.md)
// and `deployctl explain ID`. All of it comes from the RuleInfo next to each rule's check.
#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/rules/rule.hpp"

namespace deployctl::cli {

using RuleListWriter = void (*)(std::ostream& out, std::span<const checks::rules::Rule> rules);

struct RuleListFormat {
  std::string_view name;
  RuleListWriter write;
};

std::span<const RuleListFormat> rule_list_formats();
const RuleListFormat* find_rule_list_format(std::string_view name);
std::vector<std::string> rule_list_format_names();

void write_rule_list_text(std::ostream& out, std::span<const checks::rules::Rule> rules);
void write_rule_list_json(std::ostream& out, std::span<const checks::rules::Rule> rules);
// The whole of share/docs/rules.md: an index table, then one section per rule.
void write_rule_list_markdown(std::ostream& out, std::span<const checks::rules::Rule> rules);

// What `deployctl explain ID` prints.
void write_rule_explanation(std::ostream& out, const checks::rules::RuleInfo& info);

}  // namespace deployctl::cli
