// The byte classes of HTTP's grammar (RFC 9110 §5.6.2, RFC 9112 §3.2, RFC 3986), as tables: the request head, the
// chunk framing and the response head test every byte of every message against one of them.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace deployctl::gateway::http {

namespace char_class_detail {

constexpr void mark(std::array<bool, 256>& table, std::string_view chars) {
  for (const char c : chars) table[static_cast<unsigned char>(c)] = true;
}

constexpr void mark_alphanumeric(std::array<bool, 256>& table) {
  for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = true;
}

}  // namespace char_class_detail

// tchar: the bytes of a token (method, field name, transfer coding, chunk extension name).
inline constexpr std::array<bool, 256> token_chars = [] {
  std::array<bool, 256> table{};
  char_class_detail::mark_alphanumeric(table);
  char_class_detail::mark(table, "!#$%&'*+-.^_`|~");
  return table;
}();

// The bytes a request-target may hold as sent: visible ASCII (0x21-0x7E) and, leniently, bytes 0x80-0xFF (raw UTF-8
// that some clients send unencoded, as gunicorn, uWSGI and nginx accept; none is a delimiter anywhere). Stricter
// grammar (pchar, query) is left to llhttp and to the app: common clients send '|', '{', '"' unencoded too.
// Never SP, HTAB, other controls or DEL.
inline constexpr std::array<bool, 256> target_chars = [] {
  std::array<bool, 256> table{};
  for (int c = 0x21; c <= 0xff; ++c) table[static_cast<std::size_t>(c)] = c != 0x7f;
  return table;
}();

// field-vchar, SP and HTAB: what a field value (and a chunk extension's quoted string) may hold.
inline constexpr std::array<bool, 256> field_value_chars = [] {
  std::array<bool, 256> table{};
  for (int c = 0x20; c <= 0xff; ++c) table[static_cast<std::size_t>(c)] = c != 0x7f;
  table['\t'] = true;
  return table;
}();

// reg-name bytes of a Host (RFC 3986 §3.2.2: unreserved, sub-delims and '%' of pct-encoded).
inline constexpr std::array<bool, 256> reg_name_chars = [] {
  std::array<bool, 256> table{};
  char_class_detail::mark_alphanumeric(table);
  char_class_detail::mark(table, "-._~!$&'()*+,;=%");
  return table;
}();

inline bool is_token_char(char c) noexcept { return token_chars[static_cast<unsigned char>(c)]; }
inline bool is_target_char(char c) noexcept { return target_chars[static_cast<unsigned char>(c)]; }
inline bool is_field_value_char(char c) noexcept { return field_value_chars[static_cast<unsigned char>(c)]; }
inline bool is_hex_digit(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

// A non-empty token.
inline bool is_token(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (const char c : text)
    if (!is_token_char(c)) return false;
  return true;
}

// ASCII case folding as a table: header names are compared on every request, several times each.
inline constexpr std::array<unsigned char, 256> folded_chars = [] {
  std::array<unsigned char, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c)
    table[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  return table;
}();

// ASCII case-insensitive equality, for header names and tokens.
inline bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (folded_chars[static_cast<unsigned char>(a[i])] != folded_chars[static_cast<unsigned char>(b[i])]) return false;
  return true;
}

}  // namespace deployctl::gateway::http
