// Renders rule metadata as a table, JSON, the markdown reference and the `explain` page.
#include "cli/rule_docs.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ostream>

#include "core/version.hpp"

namespace deployctl::cli {

namespace {

using checks::rules::Rule;
using checks::rules::RuleInfo;

constexpr RuleListFormat list_formats[] = {
    {"text", write_rule_list_text},
    {"json", write_rule_list_json},
    {"markdown", write_rule_list_markdown},
};

constexpr std::size_t prose_width = 100;

// Greedy word wrap of one paragraph to `prose_width`, every line indented by `indent`.
std::string wrap_paragraph(std::string_view text, std::string_view indent);

// Each line of `text` wrapped on its own: notes may hold a table, one row a line.
std::string wrap(std::string_view text, std::string_view indent) {
  std::string out;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    const std::string_view paragraph = text.substr(0, newline);
    out += paragraph.empty() ? std::string("\n") : wrap_paragraph(paragraph, indent);
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return out;
}

std::string wrap_paragraph(std::string_view text, std::string_view indent) {
  std::string out;
  std::string line;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(i, end - i);
    i = end;
    if (word.empty()) continue;
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > prose_width) {
      out += std::string(indent) + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + std::string(word);
  }
  if (!line.empty()) out += std::string(indent) + line + "\n";
  return out;
}

// Source kept as written, each line indented; always ends with a newline.
std::string indent_block(std::string_view text, std::string_view indent) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    out += line.empty() ? "\n" : std::string(indent) + std::string(line) + "\n";
    start = end + 1;
  }
  return out;
}

std::string with_final_newline(std::string_view text) {
  std::string out(text);
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

std::string table_cell(std::string_view text) {
  std::string out;
  for (const char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string anchor(const RuleInfo& info) {
  std::string out;
  for (const char c : std::string(info.id) + "-" + std::string(info.name))
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

nlohmann::ordered_json string_or_null(std::string_view text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(std::string(text));
}

}  // namespace

std::span<const RuleListFormat> rule_list_formats() { return list_formats; }

const RuleListFormat* find_rule_list_format(std::string_view name) {
  for (const RuleListFormat& format : list_formats)
    if (format.name == name) return &format;
  return nullptr;
}

std::vector<std::string> rule_list_format_names() {
  std::vector<std::string> names;
  for (const RuleListFormat& format : list_formats) names.emplace_back(format.name);
  return names;
}

void write_rule_list_text(std::ostream& out, std::span<const Rule> rules) {
  std::size_t id_width = 2, name_width = 4;
  for (const Rule& rule : rules) {
    id_width = std::max(id_width, rule.info.id.size());
    name_width = std::max(name_width, rule.info.name.size());
  }
  const auto pad = [](std::string_view text, std::size_t width) {
    return std::string(text) + std::string(width - text.size() + 2, ' ');
  };
  out << pad("ID", id_width) << pad("SEVERITY", 8) << pad("NAME", name_width) << "SUMMARY\n";
  for (const Rule& rule : rules)
    out << pad(rule.info.id, id_width) << pad(checks::to_string(rule.info.severity), 8)
        << pad(rule.info.name, name_width) << rule.info.summary << '\n';
}

void write_rule_list_json(std::ostream& out, std::span<const Rule> rules) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Rule& rule : rules) {
    const RuleInfo& info = rule.info;
    nlohmann::ordered_json entry;
    entry["id"] = info.id;
    entry["name"] = info.name;
    entry["severity"] = checks::to_string(info.severity);
    entry["summary"] = info.summary;
    entry["rationale"] = info.rationale;
    entry["fix"] = info.fix;
    entry["example_fires"] = info.example_fires;
    entry["example_passes"] = info.example_passes;
    entry["example_language"] = info.example_language;
    entry["django_check"] = string_or_null(info.django_check);
    entry["notes"] = string_or_null(info.notes);
    list.push_back(std::move(entry));
  }
  nlohmann::ordered_json document;
  document["tool"] = "deployctl";
  document["version"] = deployctl::version;
  document["rules"] = std::move(list);
  out << document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

void write_rule_list_markdown(std::ostream& out, std::span<const Rule> rules) {
  out << "# deployctl rules\n\n"
      << "<!-- Generated from the rules' metadata by `deployctl rules --format markdown`: do not edit by hand.\n"
      << "     To update: UPDATE_GOLDEN=1 ctest --test-dir build -L golden -->\n\n"
      << "`deployctl explain ID` prints the same for one rule. Severities are defaults; `--severity` or\n"
      << "`[check.severity]` in deployctl.toml override them. To accept one finding, put\n"
      << "`# deployctl: ignore[RULE]` (several: `ignore[RULE1, RULE2]`, a reason may follow the bracket) on its\n"
      << "line or on the first line of its statement; a suppression that matches nothing is reported (DPL004).\n\n"
      << "| ID | Name | Severity | Django check | Summary |\n"
      << "|----|------|----------|--------------|---------|\n";
  for (const Rule& rule : rules) {
    const RuleInfo& info = rule.info;
    out << "| [" << info.id << "](#" << anchor(info) << ") | " << info.name << " | " << checks::to_string(info.severity)
        << " | " << (info.django_check.empty() ? std::string("") : "`" + std::string(info.django_check) + "`") << " | "
        << table_cell(info.summary) << " |\n";
  }
  for (const Rule& rule : rules) {
    const RuleInfo& info = rule.info;
    out << "\n## " << info.id << " " << info.name << "\n\n"
        << "Severity: " << checks::to_string(info.severity);
    if (!info.django_check.empty()) out << " · Django check: `" << info.django_check << "`";
    out << "\n\n"
        << with_final_newline(info.summary) << "\n"
        << "### Why it matters\n\n"
        << with_final_newline(info.rationale) << "\n"
        << "### How to fix\n\n"
        << with_final_newline(info.fix) << "\n"
        << "### Fires\n\n```" << info.example_language << "\n"
        << with_final_newline(info.example_fires) << "```\n\n"
        << "### Does not fire\n\n```" << info.example_language << "\n"
        << with_final_newline(info.example_passes) << "```\n";
    if (!info.notes.empty()) out << "\n### Notes\n\n" << with_final_newline(info.notes);
  }
}

void write_rule_explanation(std::ostream& out, const RuleInfo& info) {
  out << info.id << " " << info.name << " (" << checks::to_string(info.severity) << ")\n";
  if (!info.django_check.empty()) out << "Django check: " << info.django_check << "\n";
  out << "\n"
      << wrap(info.summary, "") << "\n"
      << "Why it matters:\n"
      << wrap(info.rationale, "  ") << "\n"
      << "How to fix:\n"
      << wrap(info.fix, "  ") << "\n"
      << "Fires:\n"
      << indent_block(info.example_fires, "    ") << "\n"
      << "Does not fire:\n"
      << indent_block(info.example_passes, "    ");
  if (!info.notes.empty()) out << "\nNotes:\n" << wrap(info.notes, "  ");
}

}  // namespace deployctl::cli
