// Lexical facts about each physical line of a Python source, without parsing it: where its comment is, which
// bytes are string-literal contents (to mask secrets) and on which line its statement starts (suppressions).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace deployctl::checks {

// Byte offsets into the line, end exclusive.
struct ByteRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool operator==(const ByteRange&) const = default;
};

struct SourceLine {
  std::string_view text;                   // without its line terminator
  int statement_start = 0;                 // 1-based line where the logical line containing this one starts
  std::optional<std::size_t> comment;      // offset of the '#' that opens a comment, if any
  std::vector<ByteRange> string_contents;  // contents of string literals (quotes and prefixes excluded)
};

// One entry per physical line ('\n', "\r\n" or '\r' end a line, as Python's universal newlines do); the
// views point into `source`. Never fails: unterminated strings or brackets simply run to the end.
std::vector<SourceLine> scan_source_lines(std::string_view source);

// The parts of `line`'s string contents to mask when it may hold a secret: the values, never what names them.
// Shown as written: the names of environment variables given to an env reader (os.environ.get('NAME', ...),
// os.getenv, os.environ['NAME'], env('NAME'), env.bool('NAME'), config('NAME')), dict keys and subscripts
// ('PASSWORD': ..., DATABASES['default']), and a URL's scheme, user and host (only its password, a bare-token user
// info, and a path or query that may carry a token are masked).
std::vector<ByteRange> secret_candidate_ranges(const SourceLine& line);

// The 1-based code point column of `byte_offset` in `line` (UTF-8), as the parser numbers columns.
int code_point_column(std::string_view line, std::size_t byte_offset);

}  // namespace deployctl::checks
