// A small Python lexer that tracks only strings, comments, brackets and backslash continuations: enough to
// tell a comment from a '#' inside a string and to know which physical lines form one statement.
#include "checks/findings/source_lines.hpp"

#include <algorithm>
#include <cctype>

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
  char quote = 0;  // '\'' or '"'; 0 when outside a string
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
        const bool closes =
            c == open.quote && (!open.triple || (i + 2 < text.size() && text[i + 1] == c && text[i + 2] == c));
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

namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The identifier that ends just before `end` (spaces skipped), and where it starts.
std::string_view identifier_before(std::string_view text, std::size_t& end) {
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  std::size_t start = end;
  while (start > 0 && is_identifier_char(text[start - 1])) --start;
  const std::string_view identifier = text.substr(start, end - start);
  end = start;
  return identifier;
}

bool is_env_variable_name(std::string_view text) {
  if (text.empty() || (text.front() >= '0' && text.front() <= '9')) return false;
  for (const char c : text)
    if (!is_identifier_char(c)) return false;
  return true;
}

// Whether the literal whose contents are `range` is the first argument (or the subscript) of an env reader.
bool is_env_reader_argument(std::string_view line, const ByteRange& range) {
  if (!is_env_variable_name(line.substr(range.begin, range.end - range.begin))) return false;
  std::size_t at = range.begin;
  while (at > 0 && (line[at - 1] == '\'' || line[at - 1] == '"')) --at;                          // the quote(s)
  while (at > 0 && std::string_view("rRuU").find(line[at - 1]) != std::string_view::npos) --at;  // a prefix
  while (at > 0 && (line[at - 1] == ' ' || line[at - 1] == '\t')) --at;
  if (at == 0 || (line[at - 1] != '(' && line[at - 1] != '[')) return false;
  --at;
  const std::string_view reader = identifier_before(line, at);
  constexpr std::string_view direct_readers[] = {"getenv", "environ", "env", "config"};
  for (const std::string_view name : direct_readers)
    if (reader == name) return true;
  constexpr std::string_view methods[] = {"get",   "str",       "bool",       "int",  "float",  "list",  "tuple",
                                          "dict",  "json",      "url",        "db",   "db_url", "cache", "cache_url",
                                          "email", "email_url", "search_url", "path", "decimal"};
  bool is_method = false;
  for (const std::string_view name : methods) is_method = is_method || reader == name;
  if (!is_method || at == 0 || line[at - 1] != '.') return false;
  --at;
  const std::string_view owner = identifier_before(line, at);
  return owner == "environ" || owner == "env";
}

}  // namespace

namespace {

// The first character after the literal whose contents are `range` (its closing quotes and spaces skipped); 0
// when the literal runs past the line or nothing follows it.
char char_after_literal(std::string_view line, const ByteRange& range) {
  std::size_t at = range.end;
  if (at >= line.size()) return 0;
  const char quote = line[at];
  while (at < line.size() && line[at] == quote) ++at;  // the closing quote(s)
  while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
  return at < line.size() ? line[at] : 0;
}

// The opening quote(s) and prefix before `range` skipped: where the literal starts.
std::size_t literal_start(std::string_view line, const ByteRange& range) {
  std::size_t at = range.begin;
  while (at > 0 && (line[at - 1] == '\'' || line[at - 1] == '"')) --at;
  while (at > 0 && std::string_view("rRuUbBfF").find(line[at - 1]) != std::string_view::npos) --at;
  return at;
}

char char_before(std::string_view line, std::size_t at, std::size_t* where = nullptr) {
  while (at > 0 && (line[at - 1] == ' ' || line[at - 1] == '\t')) --at;
  if (where != nullptr) *where = at == 0 ? 0 : at - 1;
  return at > 0 ? line[at - 1] : 0;
}

// A dict key (`'PASSWORD': ...`) or a subscript (`DATABASES['default']['PASSWORD']`): it names a value, and the
// line would no longer say what it is if it were masked.
bool names_a_value(std::string_view line, const ByteRange& range) {
  const char after = char_after_literal(line, range);
  const char before = char_before(line, literal_start(line, range));
  if (after == ':') return before == '{' || before == ',' || before == 0;  // not `if KEY == 'x':`
  std::size_t bracket = 0;
  if (after != ']' || char_before(line, literal_start(line, range), &bracket) != '[') return false;
  const char owner = char_before(line, bracket);
  return is_identifier_char(owner) || owner == ']' || owner == ')';
}

bool is_scheme(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text.front()))) return false;
  return std::ranges::all_of(
      text, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'; });
}

// The parts of a URL literal that may be a credential: the password of its user info (all of the user info when
// it is a bare token, as in Sentry DSNs), and whatever follows the host unless it is one plain path segment (a
// database name or number: webhook URLs carry their token in the path, others in the query). Nullopt when the
// literal is not a URL.
std::optional<std::vector<ByteRange>> url_secret_ranges(std::string_view line, const ByteRange& range) {
  const std::string_view text = line.substr(range.begin, range.end - range.begin);
  const std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos || !is_scheme(text.substr(0, scheme_end))) return std::nullopt;
  const std::size_t authority = scheme_end + 3;
  const std::size_t authority_end = std::min(text.find_first_of("/?#", authority), text.size());
  std::vector<ByteRange> ranges;
  const auto add = [&](std::size_t begin, std::size_t end) {
    if (end > begin) ranges.push_back({range.begin + begin, range.begin + end});
  };
  const std::size_t at = text.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
  if (at != std::string_view::npos && at >= authority) {
    const std::size_t colon = text.substr(authority, at - authority).find(':');
    add(colon == std::string_view::npos ? authority : authority + colon + 1, at);
  }
  const std::string_view rest = text.substr(authority_end);
  const bool plain_segment =
      rest.empty() ||
      (rest.front() == '/' && rest.find_first_of("/?#", 1) == std::string_view::npos && rest.size() <= 32);
  if (!plain_segment) add(authority_end, text.size());
  return ranges;
}

}  // namespace

std::vector<ByteRange> secret_candidate_ranges(const SourceLine& line) {
  std::vector<ByteRange> ranges;
  for (const ByteRange& range : line.string_contents) {
    if (is_env_reader_argument(line.text, range) || names_a_value(line.text, range)) continue;
    if (const auto parts = url_secret_ranges(line.text, range)) {
      ranges.insert(ranges.end(), parts->begin(), parts->end());
      continue;
    }
    ranges.push_back(range);
  }
  return ranges;
}

int code_point_column(std::string_view line, std::size_t byte_offset) {
  int column = 1;
  for (std::size_t i = 0; i < byte_offset && i < line.size(); ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
  return column;
}

}  // namespace deployctl::checks
