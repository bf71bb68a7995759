// The text reporter, laid out as modern linters print diagnostics: a location header, the source line with
// carets under the span, a help line, and one summary line at the end.
#include <algorithm>
#include <cctype>
#include <ostream>
#include <string>

#include "checks/findings/fingerprint.hpp"
#include "checks/findings/source_line_index.hpp"
#include "checks/findings/source_lines.hpp"
#include "checks/report/report.hpp"
#include "core/files.hpp"

namespace deployctl::checks::report {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view mask = "****";
constexpr int tab_width = 4;

struct Style {
  bool color = false;
  std::string paint(std::string_view text, std::string_view code) const {
    if (!color) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
  }
};

std::string_view severity_color(Severity severity) {
  switch (severity) {
    case Severity::error: return "1;31";
    case Severity::warning: return "1;33";
    case Severity::info: return "1;36";
  }
  return "1";
}

// Decodes one UTF-8 code point at `i`, advancing `i`; a malformed byte decodes to U+FFFD and advances by one.
char32_t decode(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) {
    ++i;
    return 0xFFFD;
  }
  auto code = static_cast<char32_t>(length == 1 ? lead : lead & (0x7F >> length));
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    code = (code << 6) | (byte(i + k) & 0x3Fu);
  }
  i += length;
  return code;
}

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// Terminal columns of a code point: 2 for East Asian wide and emoji, 0 for combining marks, else 1.
int display_width(char32_t c) {
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F)) return 0;
  const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF) ||
                    (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
                    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
                    (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
                    (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
  return wide ? 2 : 1;
}

// The line as shown: tabs expanded, control characters replaced, masked literals as ****; and for every
// code point of the original line the display columns and the bytes of `text` it occupies, to place the
// carets and to clip long lines.
struct DisplayLine {
  std::string text;
  std::vector<int> start;               // per code point: first display column
  std::vector<int> end;                 // per code point: display column after it
  std::vector<std::size_t> byte_begin;  // per code point: its bytes in `text`
  std::vector<std::size_t> byte_end;
  int width = 0;
};

DisplayLine layout(std::string_view line, std::span<const ByteRange> masked) {
  DisplayLine shown;
  auto range = masked.begin();  // ranges come in line order: one pass over both
  std::size_t mask_byte = 0;
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t offset = i;
    const char32_t code = decode(line, i);
    while (range != masked.end() && offset >= range->end) ++range;
    if (range != masked.end() && offset >= range->begin) {
      // Every code point of a masked literal maps onto the same four columns.
      if (offset == range->begin) {
        mask_byte = shown.text.size();
        shown.text += mask;
        shown.width += static_cast<int>(mask.size());
      }
      shown.start.push_back(shown.width - static_cast<int>(mask.size()));
      shown.end.push_back(shown.width);
      shown.byte_begin.push_back(mask_byte);
      shown.byte_end.push_back(mask_byte + mask.size());
      continue;
    }
    shown.start.push_back(shown.width);
    shown.byte_begin.push_back(shown.text.size());
    if (code == '\t') {
      shown.text.append(static_cast<std::size_t>(tab_width), ' ');
      shown.width += tab_width;
    } else if (code < 0x20 || code == 0x7F || (code >= 0x80 && code < 0xA0)) {
      append_utf8(shown.text, 0xFFFD);  // never send a terminal control sequence from a project file
      shown.width += 1;
    } else {
      append_utf8(shown.text, code);
      shown.width += display_width(code);
    }
    shown.end.push_back(shown.width);
    shown.byte_end.push_back(shown.text.size());
  }
  return shown;
}

// What one snippet prints: the (possibly clipped) line and where its carets go.
struct Snippet {
  std::string text;
  int caret_start = 0;
  int caret_width = 1;
};

// A line wider than this is shown as a window around the carets, with an ellipsis at each cut end.
constexpr int max_snippet_width = 120;
constexpr int context_before_caret = 30;
constexpr std::string_view ellipsis = "\u2026";

Snippet clip(const DisplayLine& shown, int caret_start, int caret_end) {
  if (shown.width <= max_snippet_width || shown.start.empty())
    return {shown.text, caret_start, std::max(1, caret_end - caret_start)};
  const int from = std::max(0, caret_start - context_before_caret);
  const int to = from + max_snippet_width;
  const std::size_t count = shown.start.size();
  std::size_t first = 0;
  while (first + 1 < count && shown.start[first] < from) ++first;
  std::size_t last = first;  // exclusive
  while (last < count && shown.end[last] <= to) ++last;
  if (last == first) last = first + 1;  // one very wide masked or tab code point: show it anyway
  const bool cut_front = first > 0;
  const bool cut_back = last < count;
  Snippet snippet;
  if (cut_front) snippet.text += ellipsis;
  snippet.text += shown.text.substr(shown.byte_begin[first], shown.byte_end[last - 1] - shown.byte_begin[first]);
  if (cut_back) snippet.text += ellipsis;
  const int offset = shown.start[first] - (cut_front ? 1 : 0);
  const int visible_end = shown.end[last - 1] + (cut_back ? 1 : 0);
  snippet.caret_start = std::max(0, caret_start - offset);
  snippet.caret_width = std::max(1, std::min(caret_end, visible_end) - std::max(caret_start, offset));
  return snippet;
}

// Messages and hints are printed as they are, except for control characters: a project file must never be
// able to send a terminal escape sequence through us.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F)
      out += "\xEF\xBF\xBD";
    else
      out += c;
  }
  return out;
}

std::string shown_path(const Report& report, const std::string& file) {
  if (report.project_dir.empty()) return file;
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  const fs::path full = (report.project_dir / file).lexically_normal();
  return ec ? full.generic_string() : display_path(full, cwd);
}

void write_header(std::ostream& out, const Report& report, const Finding& finding, const Style& style) {
  std::string location;
  if (!finding.where.file.empty()) {
    location = shown_path(report, finding.where.file);
    // A finding about the whole file has no line to point at: only the path, and no snippet below.
    if (finding.where.line > 0 && !finding.where.whole_file) location += ":" + std::to_string(finding.where.line);
    if (finding.where.line > 0 && finding.where.column > 0 && !finding.where.whole_file)
      location += ":" + std::to_string(finding.where.column);
    if (!finding.where.commit.empty()) location += " (in commit " + finding.where.commit + ")";
    out << style.paint(location, "1") << ": ";
  }
  const std::string_view color = severity_color(finding.severity);
  out << style.paint(finding.rule, color) << ' '
      << style.paint("[" + std::string(to_string(finding.severity)) + "]", color) << ' ' << printable(finding.message)
      << '\n';
}

// The snippet: gutter, source line, carets. Nothing when the line is not available.
bool write_snippet(std::ostream& out, const Finding& finding, SourceLineIndex& sources, const Style& style,
                   std::string& gutter) {
  // A place in an old commit's version of a file: the working tree's line there says nothing about it.
  if (!finding.where.commit.empty()) return false;
  const SourceLine* line = sources.line(finding.where.file, finding.where.line);
  if (line == nullptr || finding.where.column < 1 || finding.where.whole_file) return false;
  // A line that mentions a credential is masked even when the rule is not about a secret: it may hold one.
  const bool masked = finding.concerns_secret || mentions_secret(line->text);
  const std::vector<ByteRange> secret_ranges = masked ? secret_candidate_ranges(*line) : std::vector<ByteRange>{};
  const DisplayLine shown = layout(line->text, secret_ranges);
  const auto count = shown.start.size();
  const auto first = static_cast<std::size_t>(finding.where.column - 1);
  if (first > count) return false;

  std::size_t last = first + 1;  // exclusive code point index
  if (finding.where.end_line == finding.where.line && finding.where.end_column > finding.where.column)
    last = static_cast<std::size_t>(finding.where.end_column - 1);
  else if (finding.where.end_line > finding.where.line)
    last = count;
  last = std::min(last, count);
  const int caret_start = first < count ? shown.start[first] : shown.width;
  const int caret_end = last > first ? shown.end[last - 1] : caret_start + 1;
  const Snippet snippet = clip(shown, caret_start, caret_end);

  const std::string number = std::to_string(finding.where.line);
  gutter = std::string(number.size() + 1, ' ');
  const std::string bar = style.paint("|", "1;34");
  out << gutter << bar << '\n';
  out << style.paint(number, "1;34") << ' ' << bar << ' ' << snippet.text << '\n';
  out << gutter << bar << ' ' << std::string(static_cast<std::size_t>(snippet.caret_start), ' ')
      << style.paint(std::string(static_cast<std::size_t>(snippet.caret_width), '^'), severity_color(finding.severity))
      << '\n';
  return true;
}

std::string count_of(int count, std::string_view singular, std::string_view plural) {
  return std::to_string(count) + " " + std::string(count == 1 ? singular : plural);
}

std::string summary_line(const Summary& summary) {
  std::vector<std::string> parts;
  if (summary.error > 0) parts.push_back(count_of(summary.error, "error", "errors"));
  if (summary.warning > 0) parts.push_back(count_of(summary.warning, "warning", "warnings"));
  if (summary.info > 0) parts.push_back(count_of(summary.info, "info", "info"));
  // "All checks passed" only when every setting the rules needed was known.
  const std::vector<std::string>& unknown = summary.unknown_settings;
  std::string line = !parts.empty() ? "Found " : unknown.empty() ? "All checks passed" : "No problems found";
  for (std::size_t i = 0; i < parts.size(); ++i) line += (i == 0 ? "" : ", ") + parts[i];
  std::vector<std::string> dropped;
  if (summary.suppressed > 0) dropped.push_back(std::to_string(summary.suppressed) + " suppressed");
  if (summary.baselined > 0) dropped.push_back(std::to_string(summary.baselined) + " in the baseline");
  if (summary.silenced > 0) dropped.push_back(std::to_string(summary.silenced) + " silenced by SILENCED_SYSTEM_CHECKS");
  for (std::size_t i = 0; i < dropped.size(); ++i) line += (i == 0 ? " (" : ", ") + dropped[i];
  line += dropped.empty() ? "." : ").";
  if (unknown.empty()) return line;
  line += "\nNot fully checked: ";
  for (std::size_t i = 0; i < unknown.size(); ++i) line += (i == 0 ? "" : ", ") + unknown[i];
  return line + (unknown.size() == 1 ? " is" : " are") + " unknown without running the settings (DPL005).";
}

}  // namespace

void write_text(std::ostream& out, const Report& report, const ReportOptions& options) {
  const Style style{options.color};
  SourceLineIndex sources(report.sources);
  if (options.statistics) {
    write_statistics(out, report, options);
    if ((!report.findings.empty() || !report.silenced.empty()) && !options.quiet) out << '\n';
  }
  for (const Finding& finding : options.statistics ? std::span<const Finding>() : report.findings) {
    write_header(out, report, finding, style);
    std::string gutter = "  ";
    const bool snippet = options.show_source && write_snippet(out, finding, sources, style, gutter);
    if (!finding.fix.empty()) {
      if (snippet) out << gutter << style.paint("|", "1;34") << '\n';
      out << gutter << style.paint("= help:", "1;36") << ' ' << printable(finding.fix) << '\n';
    }
    out << '\n';
  }
  if (!options.quiet) out << style.paint(summary_line(report.summary), "1") << '\n';
}

}  // namespace deployctl::checks::report
