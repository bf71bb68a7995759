// Python's own text rules, reimplemented for the evaluator: repr(), float formatting, int()/float() parsing,
// code-point indexing of UTF-8 and the ASCII-only case mappings it can vouch for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deployctl::checks::settings::eval {

// repr() of a str: single quotes unless the text has ' and no ", escapes as CPython writes them.
std::string python_repr(std::string_view utf8);
// repr() of a bytes object.
std::string python_bytes_repr(std::string_view data);
// repr()/str() of a float: shortest round-trip digits, scientific below 1e-4 and from 1e16, "1.0" not "1".
std::string python_float_repr(double value);

// int(text) on a str: surrounding whitespace, a sign and '_' between digits allowed, base 10.
struct ParsedInt {
  enum class Status { ok, invalid, too_large } status = Status::invalid;
  std::int64_t value = 0;
};
ParsedInt python_int_from_text(std::string_view text);
// float(text) on a str: nullopt when Python raises ValueError.
std::optional<double> python_float_from_text(std::string_view text);

// The UTF-8 text split into code points (each a byte range); invalid bytes count as one code point each.
std::vector<std::string_view> code_points(std::string_view utf8);
std::size_t code_point_count(std::string_view utf8);
bool is_ascii(std::string_view text);
// Invalid UTF-8 sequences replaced by U+FFFD, as bytes.decode('utf-8', 'replace') does.
std::string utf8_replace_invalid(std::string_view text);

// str.lower()/upper(): nullopt for non-ASCII text, whose Unicode case rules we do not reimplement.
std::optional<std::string> ascii_lower(std::string_view text);
std::optional<std::string> ascii_upper(std::string_view text);

// str.strip() family. `chars` null strips Python whitespace (ASCII and the common Unicode spaces).
enum class StripSide { both, left, right };
std::string python_strip(std::string_view text, const std::string* chars, StripSide side);
// str.split()/rsplit() with no separator: runs of whitespace, leading/trailing ignored.
std::vector<std::string> split_whitespace(std::string_view text, std::int64_t max_split, bool from_right);
// str.split(sep)/rsplit(sep); sep non-empty.
std::vector<std::string> split_on(std::string_view text, std::string_view sep, std::int64_t max_split, bool from_right);

}  // namespace deployctl::checks::settings::eval
