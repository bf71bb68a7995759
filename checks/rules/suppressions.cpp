// Finds `# deployctl: ignore[...]` comments and matches findings against them by file and line.
#include "checks/rules/suppressions.hpp"

#include <cctype>
#include <map>
#include <utility>

#include "checks/findings/source_lines.hpp"

namespace deployctl::checks {

namespace {

constexpr std::string_view directive_prefix = "deployctl:";

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool is_id_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; }

std::size_t skip_spaces(std::string_view text, std::size_t i) {
  while (i < text.size() && is_space(text[i])) ++i;
  return i;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Parses the ids between the brackets; nothing when one of them is empty or not an id.
std::optional<std::vector<SuppressedRule>> parse_ids(std::string_view line, std::size_t open, std::size_t close) {
  std::vector<SuppressedRule> ids;
  std::size_t start = open + 1;
  while (start <= close) {
    std::size_t end = line.find(',', start);
    if (end == std::string_view::npos || end > close) end = close;
    std::size_t first = skip_spaces(line, start);
    std::size_t last = end;
    while (last > first && is_space(line[last - 1])) --last;
    if (first == last) return std::nullopt;
    for (std::size_t i = first; i < last; ++i)
      if (!is_id_char(line[i])) return std::nullopt;
    ids.push_back({std::string(line.substr(first, last - first)), code_point_column(line, first),
                   code_point_column(line, last), false});
    start = end + 1;
  }
  return ids;
}

// Reads the directive whose '#' is at `hash` in `line`, if the comment there is one.
std::optional<Suppression> parse_directive(const std::string& file, int line_number, std::string_view line,
                                           std::size_t hash) {
  std::size_t i = skip_spaces(line, hash + 1);
  if (line.substr(i, directive_prefix.size()) != directive_prefix) return std::nullopt;
  Suppression suppression;
  suppression.file = file;
  suppression.line = line_number;
  suppression.column = code_point_column(line, hash);
  suppression.end_column = code_point_column(line, line.size());
  suppression.malformed = true;

  i = skip_spaces(line, i + directive_prefix.size());
  constexpr std::string_view ignore = "ignore";
  if (line.substr(i, ignore.size()) != ignore) return suppression;
  const std::size_t open = skip_spaces(line, i + ignore.size());
  if (open >= line.size() || line[open] != '[') return suppression;
  const std::size_t close = line.find(']', open);
  if (close == std::string_view::npos) return suppression;
  auto ids = parse_ids(line, open, close);
  if (!ids) return suppression;

  suppression.rules = std::move(*ids);
  suppression.reason = std::string(trim(line.substr(close + 1)));
  suppression.end_column = code_point_column(line, close + 1);
  suppression.malformed = false;
  return suppression;
}

// Where a file's suppressions are, by line, and on which line each line's statement starts.
struct FileSuppressions {
  std::vector<Suppression> suppressions;
  std::multimap<int, std::size_t> by_line;  // line -> index into suppressions
  std::vector<int> statement_start;         // index line - 1
};

// Marks the first matching id of a suppression on `line` as used; true when one matched.
bool suppress_on_line(FileSuppressions& file, int line, std::string_view rule) {
  const auto [first, last] = file.by_line.equal_range(line);
  for (auto it = first; it != last; ++it) {
    for (SuppressedRule& id : file.suppressions[it->second].rules) {
      if (id.id != rule) continue;
      id.used = true;
      return true;
    }
  }
  return false;
}

bool suppress(FileSuppressions& file, const Finding& finding) {
  const int line = finding.where.line;
  if (suppress_on_line(file, line, finding.rule)) return true;
  if (line < 1 || static_cast<std::size_t>(line) > file.statement_start.size()) return false;
  const int start = file.statement_start[static_cast<std::size_t>(line - 1)];
  return start != line && suppress_on_line(file, start, finding.rule);
}

}  // namespace

std::vector<Suppression> find_suppressions(const std::string& file, std::string_view source) {
  std::vector<Suppression> found;
  const std::vector<SourceLine> lines = scan_source_lines(source);
  for (std::size_t index = 0; index < lines.size(); ++index) {
    const SourceLine& line = lines[index];
    if (!line.comment) continue;
    // The directive may follow another comment: `# noqa: E501  # deployctl: ignore[SK001]`.
    for (std::size_t hash = *line.comment; hash != std::string_view::npos; hash = line.text.find('#', hash + 1)) {
      if (auto suppression = parse_directive(file, static_cast<int>(index) + 1, line.text, hash)) {
        found.push_back(std::move(*suppression));
        break;
      }
    }
  }
  return found;
}

SuppressionOutcome apply_suppressions(std::vector<Finding> findings, std::span<const SourceFile> files,
                                      const RuleSelection& rules) {
  std::map<std::string, FileSuppressions, std::less<>> by_file;
  for (const SourceFile& source : files) {
    FileSuppressions entry;
    entry.suppressions = find_suppressions(source.path, source.text);
    for (std::size_t i = 0; i < entry.suppressions.size(); ++i) entry.by_line.emplace(entry.suppressions[i].line, i);
    for (const SourceLine& line : scan_source_lines(source.text)) entry.statement_start.push_back(line.statement_start);
    by_file.insert_or_assign(source.path, std::move(entry));
  }

  SuppressionOutcome outcome;
  const auto keep_unsuppressed = [&](std::vector<Finding>& candidates) {
    for (Finding& finding : candidates) {
      const auto file = by_file.find(finding.where.file);
      if (file != by_file.end() && suppress(file->second, finding)) {
        ++outcome.suppressed;
        continue;
      }
      outcome.findings.push_back(std::move(finding));
    }
  };
  keep_unsuppressed(findings);

  const std::string_view dpl004 = rules::dpl004_unused_suppression.info.id;
  if (!rules.enabled(dpl004)) return outcome;
  // The suppressions' own problems can be suppressed too, by `ignore[DPL004]` on their line; so they are
  // reported in two rounds: first every other id (then matched like any finding), then the DPL004 ids.
  const auto copy_ids = [&](bool dpl004_ids) {
    std::vector<Suppression> copies;
    for (const auto& [path, file] : by_file) {
      for (Suppression suppression : file.suppressions) {
        std::erase_if(suppression.rules, [&](const SuppressedRule& id) { return (id.id == dpl004) != dpl004_ids; });
        if (!suppression.malformed && suppression.rules.empty()) continue;
        if (dpl004_ids && suppression.malformed) continue;
        copies.push_back(std::move(suppression));
      }
    }
    return copies;
  };
  std::vector<Finding> problems;
  rules::FindingSink problem_sink(rules::dpl004_unused_suppression.info, problems);
  report_suppression_problems(copy_ids(false), rules, problem_sink);
  keep_unsuppressed(problems);

  std::vector<Finding> unused_dpl004;  // reported as they are: suppressing these would need a third round
  rules::FindingSink unused_sink(rules::dpl004_unused_suppression.info, unused_dpl004);
  report_suppression_problems(copy_ids(true), rules, unused_sink);
  for (Finding& finding : unused_dpl004) outcome.findings.push_back(std::move(finding));
  return outcome;
}

}  // namespace deployctl::checks
