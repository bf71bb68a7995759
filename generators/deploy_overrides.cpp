// Each --set is turned into a one-key TOML document and read by core/config through the option tables, so that the
// flag and the file accept exactly the same keys and values; the parsed member then replaces the file's.
#include "generators/deploy_overrides.hpp"

#include <span>
#include <string>
#include <vector>

#include "core/option_values.hpp"
#include "core/options.hpp"

namespace deployctl::generators {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string toml_list(std::string_view text) {
  std::string out = "[";
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string_view item = trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    if (!item.empty()) out += (out.size() > 1 ? ", " : "") + toml_string(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out + "]";
}

bool is_integer(std::string_view text) {
  if (text.starts_with('-')) text.remove_prefix(1);
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// How a --set value is written as TOML: by the type of the row it sets (a list is comma-separated on the command
// line; a number or a switch that does not read as one stays a string, for the reader to refuse with its message).
template <typename Section>
std::string toml_value(const Option<Section>& row, std::string_view value) {
  const std::string_view type = option_type(row);
  if (type == "list of strings") return toml_list(value);
  if (type == "integer" && is_integer(value)) return std::string(value);
  if (type == "boolean" && (value == "true" || value == "false")) return std::string(value);
  return toml_string(value);
}

template <typename Section>
const Option<Section>* settable(std::span<const Option<Section>> rows, std::string_view key) {
  for (const Option<Section>& row : rows)
    if ((row.uses & use_set) != 0 && row.name == key) return &row;
  return nullptr;
}

}  // namespace

Result<void> apply_override(ProjectConfig& config, std::string_view assignment) {
  const std::string shown = "--set " + std::string(assignment);
  const std::size_t equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0)
    return fail(shown + ": expected KEY=VALUE, e.g. --set deploy.domains=example.com,www.example.com");
  std::string_view key = trim(assignment.substr(0, equals));
  const std::string_view value = trim(assignment.substr(equals + 1));
  std::string table = "deploy";
  if (key.starts_with("deploy.")) {
    key.remove_prefix(7);
  } else if (key.starts_with("render.")) {
    key.remove_prefix(7);
    table = "render";
  }
  std::string key_text(key);
  if (key_text.empty() || key_text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
    return fail(shown + ": '" + key_text + "' is not a key of [deploy] or [render]");
  // An unknown key is written as a string: the reader refuses it with a did-you-mean.
  std::string written = toml_string(value);
  if (table == "deploy") {
    if (const auto* row = settable(deploy_options(), key)) written = toml_value(*row, value);
  } else if (const auto* row = settable(render_options(), key)) {
    written = toml_value(*row, value);
  }

  const std::string document = "[" + table + "]\n" + key_text + " = " + written + "\n";
  auto parsed = parse_project_config(document, config.path.empty() ? "deployctl.toml" : config.path, false);
  if (!parsed) {
    // The message names the one-line document's position; name the flag instead.
    std::string message = parsed.error().message;
    const std::size_t position_end = message.find(": ");
    if (position_end != std::string::npos) message = message.substr(position_end + 2);
    return fail(shown + ": " + message);
  }
  if (table == "deploy")
    config.deploy = merge_options(deploy_options(), std::move(config.deploy), parsed->deploy);
  else
    config.render = merge_options(render_options(), std::move(config.render), parsed->render);
  return {};
}

}  // namespace deployctl::generators
