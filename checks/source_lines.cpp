// A small Python lexer that tracks only strings, comments, brackets and backslash continuations: enough to
// tell a comment from a '#' inside a string and to know which physical lines form one statement.
#include "checks/source_lines.hpp"

namespace deployctl::checks {

namespace {

// Splits at '\n', "\r\n" and '\r'; a final terminator does not start an extra empty line.
std::vector<std::string_view> split_lines(std::string_view source) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] != '\n' && source[i] != '\r') continue;
    lines.push_back(source.substr(start, i - start));
    if (source[i] == '\r' && i + 1 < source.size() && source[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < source.size()) lines.push_back(source.substr(start));
  return lines;
}

struct OpenString {
  char quote = 0;        // '\'' or '"'; 0 when outside a string
  bool triple = false;
  bool line_continued = false;  // a single-quoted string whose line ended in a backslash
};

}  // namespace

std::vector<SourceLine> scan_source_lines(std::string_view source) {
  const std::vector<std::string_view> texts = split_lines(source);
  std::vector<SourceLine> lines;
  lines.reserve(texts.size());

  OpenString open;
  int bracket_depth = 0;
  bool statement_continues = false;
  int statement_start = 1;

  for (std::size_t index = 0; index < texts.size(); ++index) {
    const std::string_view text = texts[index];
    const int line_number = static_cast<int>(index) + 1;
    if (!statement_continues) statement_start = line_number;
    SourceLine line{text, statement_start, std::nullopt, {}};

    bool backslash_at_end = false;
    std::size_t content_begin = 0;  // where the open string's contents began on this line
    std::size_t i = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (open.quote != 0) {
        if (c == '\\') {
          if (i + 1 == text.size()) open.line_continued = true;
          i += 2;
          continue;
        }
        const bool closes = c == open.quote &&
                            (!open.triple || (i + 2 < text.size() && text[i + 1] == c && text[i + 2] == c));
        if (closes) {
          line.string_contents.push_back({content_begin, i});
          i += open.triple ? 3 : 1;
          open = {};
          continue;
        }
        ++i;
        continue;
      }
      if (c == '#') {
        line.comment = i;
        break;
      }
      if (c == '\'' || c == '"') {
        open.quote = c;
        open.triple = i + 2 < text.size() && text[i + 1] == c && text[i + 2] == c;
        i += open.triple ? 3 : 1;
        content_begin = i;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') ++bracket_depth;
      if ((c == ')' || c == ']' || c == '}') && bracket_depth > 0) --bracket_depth;
      if (c == '\\' && i + 1 == text.size()) backslash_at_end = true;
      ++i;
    }

    if (open.quote != 0) {
      // The string runs past this line: its contents so far end here.
      if (content_begin < text.size()) line.string_contents.push_back({content_begin, text.size()});
      const bool continues = open.triple || open.line_continued;
      open.line_continued = false;
      if (!continues) open = {};  // an unterminated single-quoted string: CPython reports it, we move on
    }
    statement_continues = open.quote != 0 || bracket_depth > 0 || backslash_at_end;
    lines.push_back(line);
  }
  return lines;
}

int code_point_column(std::string_view line, std::size_t byte_offset) {
  int column = 1;
  for (std::size_t i = 0; i < byte_offset && i < line.size(); ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
  return column;
}

}  // namespace deployctl::checks
