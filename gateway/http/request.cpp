// Header lookup on a parsed request, and the ASCII case folding that HTTP names and tokens use.
#include "gateway/http/request.hpp"

#include <array>

namespace deployctl::gateway::http {

namespace {

// ASCII case folding as a table: header names are compared on every request, several times each.
constexpr std::array<unsigned char, 256> folded = [] {
  std::array<unsigned char, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c)
    table[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  return table;
}();

}  // namespace

bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (folded[static_cast<unsigned char>(a[i])] != folded[static_cast<unsigned char>(b[i])]) return false;
  return true;
}

std::optional<std::string_view> Request::header(std::string_view name) const noexcept {
  for (const auto& h : headers)
    if (equals_ignore_case(h.name, name)) return h.value;
  return std::nullopt;
}

}  // namespace deployctl::gateway::http
