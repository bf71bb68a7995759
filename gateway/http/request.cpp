// Header lookup on a parsed request.
#include "gateway/http/request.hpp"

namespace deployctl::gateway::http {

std::optional<std::string_view> Request::header(std::string_view name) const noexcept {
  for (const auto& h : headers)
    if (equals_ignore_case(h.name, name)) return h.value;
  return std::nullopt;
}

}  // namespace deployctl::gateway::http
