// Python's text rules for the evaluator. Where CPython's behaviour depends on Unicode tables we do not
// carry (case mapping of non-ASCII letters), the functions say "unknown" instead of approximating.
#include "checks/settings/eval/python_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace deployctl::checks::settings::eval {

namespace {

// Decodes the code point starting at text[i]; `length` gets its byte length (1 for invalid bytes).
std::uint32_t decode_at(std::string_view text, std::size_t i, std::size_t& length) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  length = 1;
  if (lead < 0x80) return lead;
  std::size_t need = 0;
  std::uint32_t code = 0;
  if ((lead & 0xE0U) == 0xC0U) {
    need = 1;
    code = lead & 0x1FU;
  } else if ((lead & 0xF0U) == 0xE0U) {
    need = 2;
    code = lead & 0x0FU;
  } else if ((lead & 0xF8U) == 0xF0U) {
    need = 3;
    code = lead & 0x07U;
  } else
    return lead;
  if (i + need >= text.size()) return lead;  // truncated sequence
  for (std::size_t k = 1; k <= need; ++k) {
    if ((byte(i + k) & 0xC0U) != 0x80U) return lead;
    code = (code << 6U) | (byte(i + k) & 0x3FU);
  }
  length = need + 1;
  return code;
}

// str.isspace() for one code point.
bool is_python_space(std::uint32_t c) {
  if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) return true;
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

// The byte ranges of the text's code points, each paired with its value.
struct CodePoint {
  std::size_t begin;
  std::size_t end;
  std::uint32_t value;
};
std::vector<CodePoint> decode(std::string_view text) {
  std::vector<CodePoint> out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 1;
    const std::uint32_t value = decode_at(text, i, length);
    out.push_back({i, i + length, value});
    i += length;
  }
  return out;
}

std::string hex_escape(unsigned value, int digits, char kind) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "\\%c%0*x", kind, digits, value);
  return buffer;
}

std::string strip_python_space(std::string_view text) {
  std::size_t start = 0;
  std::size_t stop = text.size();
  const auto points = decode(text);
  std::size_t first = 0;
  std::size_t last = points.size();
  while (first < last && is_python_space(points[first].value)) ++first;
  while (last > first && is_python_space(points[last - 1].value)) --last;
  if (first == last) return {};
  start = points[first].begin;
  stop = points[last - 1].end;
  return std::string(text.substr(start, stop - start));
}

}  // namespace

std::string python_repr(std::string_view utf8) {
  const bool has_single = utf8.find('\'') != std::string_view::npos;
  const bool has_double = utf8.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (const CodePoint& point : decode(utf8)) {
    const std::uint32_t c = point.value;
    if (c == static_cast<std::uint32_t>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c < 0x20 || c == 0x7F)
      out += hex_escape(c, 2, 'x');
    else if (c >= 0x80 && c < 0xA0)
      out += hex_escape(c, 2, 'x');
    else
      out.append(utf8.substr(point.begin, point.end - point.begin));
  }
  out += quote;
  return out;
}

std::string python_bytes_repr(std::string_view data) {
  const bool has_single = data.find('\'') != std::string_view::npos;
  const bool has_double = data.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out = "b";
  out += quote;
  for (const char ch : data) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c < 0x20 || c >= 0x7F)
      out += hex_escape(c, 2, 'x');
    else
      out += ch;
  }
  out += quote;
  return out;
}

std::string python_float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string scientific(buffer, result.ptr);
  // "-d.ddde+XX" -> sign, digits "dddd", exponent.
  const std::size_t e = scientific.find('e');
  std::string mantissa = scientific.substr(0, e);
  const int exponent = std::atoi(scientific.c_str() + e + 1);
  const bool negative = mantissa.starts_with('-');
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (const char c : mantissa)
    if (c != '.') digits += c;
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    } else {
      const auto point = static_cast<std::size_t>(exponent) + 1;
      if (digits.size() <= point) {
        out += digits + std::string(point - digits.size(), '0') + ".0";
      } else {
        out += digits.substr(0, point) + "." + digits.substr(point);
      }
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char exponent_text[16];
  std::snprintf(exponent_text, sizeof exponent_text, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out + exponent_text;
}

ParsedInt python_int_from_text(std::string_view text) {
  const std::string stripped = strip_python_space(text);
  std::string_view rest = stripped;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  if (rest.empty()) return {};
  std::string digits;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char c = rest[i];
    if (c == '_') {
      // One underscore between two digits only.
      if (i == 0 || i + 1 == rest.size() || rest[i + 1] == '_') return {};
      continue;
    }
    if (c < '0' || c > '9') return {};
    digits += c;
  }
  ParsedInt parsed;
  parsed.status = ParsedInt::Status::ok;
  unsigned long long magnitude = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  (void)end;
  constexpr auto limit = static_cast<unsigned long long>(INT64_MAX);
  if (error != std::errc{} || magnitude > limit + (negative ? 1ULL : 0ULL)) {
    parsed.status = ParsedInt::Status::too_large;
    return parsed;
  }
  if (negative)
    parsed.value = magnitude == limit + 1ULL ? INT64_MIN : -static_cast<std::int64_t>(magnitude);
  else
    parsed.value = static_cast<std::int64_t>(magnitude);
  return parsed;
}

std::optional<double> python_float_from_text(std::string_view text) {
  const std::string stripped = strip_python_space(text);
  if (stripped.empty()) return std::nullopt;
  std::string lowered;
  for (const char c : stripped) lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view body = lowered;
  bool negative = false;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body == "inf" || body == "infinity") return negative ? -HUGE_VAL : HUGE_VAL;
  if (body == "nan") return std::nan("");
  // digits [. digits] [e [sign] digits], '_' only between digits.
  std::string clean;
  bool seen_digit = false;
  bool seen_point = false;
  bool seen_exponent = false;
  bool exponent_digit = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    const bool prev_digit = i > 0 && std::isdigit(static_cast<unsigned char>(body[i - 1]));
    const bool next_digit = i + 1 < body.size() && std::isdigit(static_cast<unsigned char>(body[i + 1]));
    if (std::isdigit(static_cast<unsigned char>(c))) {
      (seen_exponent ? exponent_digit : seen_digit) = true;
      clean += c;
    } else if (c == '_') {
      if (!prev_digit || !next_digit) return std::nullopt;
    } else if (c == '.' && !seen_point && !seen_exponent) {
      seen_point = true;
      clean += c;
    } else if (c == 'e' && seen_digit && !seen_exponent) {
      seen_exponent = true;
      clean += c;
      if (i + 1 < body.size() && (body[i + 1] == '+' || body[i + 1] == '-')) clean += body[++i];
    } else {
      return std::nullopt;
    }
  }
  if (!seen_digit || (seen_exponent && !exponent_digit)) return std::nullopt;
  const double magnitude = std::strtod(clean.c_str(), nullptr);
  return negative ? -magnitude : magnitude;
}

std::vector<std::string_view> code_points(std::string_view utf8) {
  std::vector<std::string_view> out;
  for (const CodePoint& point : decode(utf8)) out.push_back(utf8.substr(point.begin, point.end - point.begin));
  return out;
}

std::size_t code_point_count(std::string_view utf8) {
  if (is_ascii(utf8)) return utf8.size();
  return decode(utf8).size();
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string utf8_replace_invalid(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 1;
    const std::uint32_t value = decode_at(text, i, length);
    const bool invalid = length == 1 && static_cast<unsigned char>(text[i]) >= 0x80;
    const bool overlong_or_surrogate = (length == 2 && value < 0x80) || (length == 3 && value < 0x800) ||
                                       (length == 4 && (value < 0x10000 || value > 0x10FFFF)) ||
                                       (value >= 0xD800 && value <= 0xDFFF);
    if (invalid || overlong_or_surrogate)
      out += "\xEF\xBF\xBD";
    else
      out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::optional<std::string> ascii_lower(std::string_view text) {
  if (!is_ascii(text)) return std::nullopt;
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> ascii_upper(std::string_view text) {
  if (!is_ascii(text)) return std::nullopt;
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string python_strip(std::string_view text, const std::string* chars, StripSide side) {
  const auto points = decode(text);
  const auto strippable = [&](const CodePoint& point) {
    if (!chars) return is_python_space(point.value);
    const std::string_view piece = text.substr(point.begin, point.end - point.begin);
    for (const std::string_view candidate : code_points(*chars))
      if (candidate == piece) return true;
    return false;
  };
  std::size_t first = 0;
  std::size_t last = points.size();
  if (side != StripSide::right)
    while (first < last && strippable(points[first])) ++first;
  if (side != StripSide::left)
    while (last > first && strippable(points[last - 1])) --last;
  if (first == last) return {};
  return std::string(text.substr(points[first].begin, points[last - 1].end - points[first].begin));
}

std::vector<std::string> split_whitespace(std::string_view text, std::int64_t max_split, bool from_right) {
  const auto points = decode(text);
  // Words as code-point index ranges.
  std::vector<std::pair<std::size_t, std::size_t>> words;
  for (std::size_t i = 0; i < points.size();) {
    while (i < points.size() && is_python_space(points[i].value)) ++i;
    if (i == points.size()) break;
    const std::size_t start = i;
    while (i < points.size() && !is_python_space(points[i].value)) ++i;
    words.emplace_back(start, i);
  }
  std::vector<std::string> out;
  if (words.empty()) return out;
  const auto bytes = [&](std::size_t from, std::size_t to) {  // code point [from, to) as text
    return std::string(text.substr(points[from].begin, points[to - 1].end - points[from].begin));
  };
  const std::size_t count = words.size();
  // Words taken one by one; once max_split is used up, the rest of the text (whitespace and all) is one piece.
  const std::size_t single =
      max_split < 0 || static_cast<std::uint64_t>(max_split) >= count ? count : static_cast<std::size_t>(max_split);
  if (!from_right) {
    for (std::size_t w = 0; w < single; ++w) out.push_back(bytes(words[w].first, words[w].second));
    if (single < count) out.push_back(bytes(words[single].first, points.size()));
  } else {
    if (single < count) out.push_back(bytes(0, words[count - 1 - single].second));
    for (std::size_t w = count - single; w < count; ++w) out.push_back(bytes(words[w].first, words[w].second));
  }
  return out;
}

std::vector<std::string> split_on(std::string_view text, std::string_view sep, std::int64_t max_split,
                                  bool from_right) {
  std::vector<std::string> out;
  std::int64_t done = 0;
  if (!from_right) {
    std::size_t start = 0;
    while (max_split < 0 || done < max_split) {
      const std::size_t at = text.find(sep, start);
      if (at == std::string_view::npos) break;
      out.emplace_back(text.substr(start, at - start));
      start = at + sep.size();
      ++done;
    }
    out.emplace_back(text.substr(start));
    return out;
  }
  std::size_t end = text.size();
  std::vector<std::string> reversed;
  while (max_split < 0 || done < max_split) {
    if (end < sep.size()) break;
    const std::size_t at = text.rfind(sep, end - sep.size());
    if (at == std::string_view::npos) break;
    reversed.emplace_back(text.substr(at + sep.size(), end - at - sep.size()));
    end = at;
    ++done;
  }
  out.emplace_back(text.substr(0, end));
  out.insert(out.end(), reversed.rbegin(), reversed.rend());
  return out;
}

}  // namespace deployctl::checks::settings::eval
