// Header lookup on a parsed request, and the ASCII case folding that HTTP names and tokens use.
#include "gateway/http/request.hpp"

namespace deployctl::gateway::http {

namespace {
constexpr char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }
}  // namespace

bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::optional<std::string_view> Request::header(std::string_view name) const noexcept {
  for (const auto& h : headers)
    if (equals_ignore_case(h.name, name)) return h.value;
  return std::nullopt;
}

}  // namespace deployctl::gateway::http
