// The templates of templates/*.mustache, compiled into the binary by generators/embed_templates.cmake.
#pragma once

#include <span>
#include <string_view>

namespace deployctl::generators {

struct BuiltinTemplate {
  std::string_view name;  // file name in templates/, e.g. "nginx.conf.mustache"
  std::string_view text;
};

// Sorted by name.
std::span<const BuiltinTemplate> builtin_templates();

}  // namespace deployctl::generators
