// The built-in extension → Content-Type table of the static file server (text types carry charset=utf-8).
#include <array>

#include "gateway/http/request.hpp"
#include "gateway/static/static_files.hpp"

namespace deployctl::gateway::static_files {

namespace {
struct TypeEntry {
  std::string_view extension;
  std::string_view type;
};
constexpr std::array<TypeEntry, 22> types{{
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/vnd.microsoft.icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"xml", "application/xml"},
    {"pdf", "application/pdf"},
    {"wasm", "application/wasm"},
}};
}  // namespace

std::string_view content_type_for(std::string_view file_name) noexcept {
  const auto slash = file_name.rfind('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const auto extension = file_name.substr(dot + 1);
  for (const auto& entry : types)
    if (http::equals_ignore_case(entry.extension, extension)) return entry.type;
  return "application/octet-stream";
}

}  // namespace deployctl::gateway::static_files
