// Mustache rendering for render's targets: where a template comes from (built in or an override), its
// and syntax errors as file:line. Private to generators/.
#pragma once

#include <kainjow/mustache.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace deployctl::generators {

using Data = kainjow::mustache::data;

struct TemplateSource {
  std::string name;  // "nginx.conf.mustache"
  std::string text;
  std::string shown;  // for messages: the override's path, or "built-in template NAME"
};

// The override in `override_dir` when it has a file of that name, else the built-in template.
Result<TemplateSource> load_template(std::string_view name, const std::optional<std::filesystem::path>& override_dir);

// The built-in template of that name; an error when there is none.
Result<TemplateSource> builtin_template(std::string_view name);

// Renders without HTML escaping (configs are not HTML). A syntax error names the template's file and line.
Result<std::string> render_template(const TemplateSource& source, const Data& data);

}  // namespace deployctl::generators
