// Parsing "module:callable" as gunicorn and uvicorn take it.
#include "gateway/loading/app_spec.hpp"

#include <cctype>

namespace deployctl::gateway::loading {

Result<AppSpec> parse_app_spec(std::string_view text) {
  AppSpec spec;
  const std::size_t colon = text.find(':');
  spec.module = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) spec.callable = std::string(text.substr(colon + 1));
  const auto valid_dotted = [](std::string_view name) {
    if (name.empty() || name.front() == '.' || name.back() == '.') return false;
    for (const char c : name) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) return false;
    }
    return name.find("..") == std::string_view::npos;
  };
  if (!valid_dotted(spec.module) || !valid_dotted(spec.callable))
    return fail("APP must look like module:callable (e.g. mysite.wsgi:application), got '" + std::string(text) + "'");
  return spec;
}

}  // namespace deployctl::gateway::loading
