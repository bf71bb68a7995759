// Loads deployctl.toml through the commands' option tables (core/options/): a TOML table per command, a key per
// row that has one. Adding a table is a struct in config.hpp, an option table and one line in schema().
#include "core/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <functional>
#include <span>
#include <string_view>
#include <tuple>
#include <variant>

#include "core/files.hpp"
#include "core/options.hpp"
#include "core/suggest.hpp"

namespace deployctl {

namespace fs = std::filesystem;

std::string ConfigPosition::to_string() const {
  if (!flag.empty()) return flag;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string ConfigPosition::describe(std::string_view key) const {
  if (!flag.empty()) return flag;
  return to_string() + ": " + std::string(key);
}

std::string ProjectConfig::description() const {
  return from_pyproject ? path.filename().string() + " [tool.deployctl]" : path.filename().string();
}

namespace {

constexpr std::string_view config_file_name = "deployctl.toml";
constexpr std::string_view pyproject_file_name = "pyproject.toml";

// ---- loading -------------------------------------------------------------------------------------

// Every problem of a file is reported, in source order, not only the first.
class Problems {
 public:
  void add(const ConfigPosition& where, std::string message) {
    entries_.emplace_back(where.line, where.column, where.to_string() + ": " + std::move(message));
  }
  bool empty() const { return entries_.empty(); }
  Error to_error() {
    std::ranges::sort(entries_);
    std::string message;
    for (const auto& [line, column, text] : entries_) message += (message.empty() ? "" : "\n") + text;
    return Error{std::move(message)};
  }

 private:
  std::vector<std::tuple<int, int, std::string>> entries_;
};

struct Context {
  std::string file;          // as shown in messages
  fs::path directory;        // anchors relative paths
  std::string table_prefix;  // "" or "tool.deployctl."
  Problems* problems;

  ConfigPosition at(const toml::source_region& region) const {
    return {file, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column), {}};
  }
};

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
  }
  return "an unknown value";
}

std::vector<std::string> to_strings(std::span<const std::string_view> views) { return {views.begin(), views.end()}; }

std::string join(std::span<const std::string> words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

// A string value checked against the key's choices; nullopt (and a problem recorded) when it is not acceptable.
std::optional<ConfigString> read_string(const toml::node& node, std::string_view what,
                                        std::span<const std::string_view> choices, const Context& context) {
  const auto where = context.at(node.source());
  const auto* text = node.as_string();
  if (text == nullptr) {
    context.problems->add(where, std::string(what) + " must be a string, found " + std::string(type_name(node)));
    return std::nullopt;
  }
  const std::string& value = text->get();
  if (value.empty()) {
    context.problems->add(where, std::string(what) + " must not be empty");
    return std::nullopt;
  }
  if (!choices.empty() && std::ranges::find(choices, value) == choices.end()) {
    const auto candidates = to_strings(choices);
    context.problems->add(where, std::string(what) + " must be one of " + join(candidates) + ", not '" + value + "'." +
                                     did_you_mean(value, candidates));
    return std::nullopt;
  }
  return ConfigString{value, where};
}

// A relative path in the config is relative to the config file's directory.
std::string anchored(const Context& context, ConfigPaths paths, const std::string& value) {
  if (paths == ConfigPaths::whole) return (context.directory / value).lexically_normal().string();
  const std::size_t equals = value.find('=');
  if (paths == ConfigPaths::after_equals && equals != std::string::npos &&
      fs::path(value.substr(equals + 1)).is_relative())
    return value.substr(0, equals + 1) + (context.directory / value.substr(equals + 1)).lexically_normal().string();
  return value;
}

template <typename Section>
void read_key(const toml::node& node, const Option<Section>& key, std::string_view command, const std::string& table,
              const Context& context, Section& section) {
  const std::string what = "'" + std::string(key.name) + "' in [" + table + "] (" + option_flag(key, command) + ")";
  const auto where = context.at(node.source());
  std::visit(
      [&]<typename Member>(Member member) {
        using Stored = typename std::remove_reference_t<decltype(section.*member)>::value_type;
        if constexpr (std::is_same_v<Stored, ConfigString>) {
          section.*member = read_string(node, what, key.choices, context);
          if (section.*member) (section.*member)->value = anchored(context, key.paths, (section.*member)->value);
        } else if constexpr (std::is_same_v<Stored, ConfigInteger>) {
          if (const auto* integer = node.as_integer()) {
            section.*member = ConfigInteger{integer->get(), where};
          } else {
            context.problems->add(where, what + " must be an integer, found " + std::string(type_name(node)));
          }
        } else if constexpr (std::is_same_v<Stored, ConfigNumber>) {
          if (const auto* integer = node.as_integer()) {
            section.*member = ConfigNumber{static_cast<double>(integer->get()), where};
          } else if (const auto* number = node.as_floating_point()) {
            section.*member = ConfigNumber{number->get(), where};
          } else {
            context.problems->add(where, what + " must be a number, found " + std::string(type_name(node)));
          }
        } else if constexpr (std::is_same_v<Stored, ConfigBool>) {
          if (const auto* boolean = node.as_boolean()) {
            section.*member = ConfigBool{boolean->get(), where};
          } else {
            context.problems->add(where, what + " must be true or false, found " + std::string(type_name(node)));
          }
        } else if constexpr (std::is_same_v<Stored, std::vector<ConfigString>>) {
          const auto* array = node.as_array();
          if (array == nullptr) {
            context.problems->add(where, what + " must be an array of strings, found " + std::string(type_name(node)));
            return;
          }
          std::vector<ConfigString> items;
          for (std::size_t i = 0; i < array->size(); ++i) {
            const std::string item_what = "item " + std::to_string(i + 1) + " of " + what;
            auto item = read_string(*array->get(i), item_what, key.choices, context);
            if (!item) continue;
            item->value = anchored(context, key.paths, item->value);
            items.push_back(std::move(*item));
          }
          section.*member = std::move(items);
        } else {
          const auto* entries_table = node.as_table();
          if (entries_table == nullptr) {
            context.problems->add(where, what + " must be a table, found " + std::string(type_name(node)));
            return;
          }
          std::vector<ConfigEntry> entries;
          for (const auto& [name, value] : *entries_table) {
            const std::string entry_what =
                "'" + std::string(name.str()) + "' in [" + table + "." + std::string(key.name) + "]";
            auto entry_value = read_string(value, entry_what, key.choices, context);
            if (!entry_value) continue;
            entries.push_back(
                {ConfigString{std::string(name.str()), context.at(name.source())}, std::move(*entry_value)});
          }
          std::ranges::sort(entries, {},
                            [](const ConfigEntry& e) { return std::pair(e.key.where.line, e.key.where.column); });
          section.*member = std::move(entries);
        }
      },
      key.member);
}

template <typename Section>
bool is_key(const Option<Section>& row) {
  return (row.uses & use_key) != 0;
}

template <typename Section>
void read_section(const toml::table& table, std::string_view name, std::span<const Option<Section>> rows,
                  const Context& context, Section& section) {
  const std::string full_name = context.table_prefix + std::string(name);
  std::vector<std::string> key_names;
  for (const auto& row : rows)
    if (is_key(row)) key_names.emplace_back(row.name);
  for (const auto& [toml_key, node] : table) {
    const auto key = std::ranges::find_if(
        rows, [&](const Option<Section>& row) { return is_key(row) && row.name == toml_key.str(); });
    if (key == rows.end()) {
      const auto suggestion = did_you_mean(toml_key.str(), key_names);
      context.problems->add(context.at(toml_key.source()),
                            "unknown key '" + std::string(toml_key.str()) + "' in [" + full_name + "]." +
                                (suggestion.empty() ? " Known keys: " + join(key_names) + "." : suggestion));
      continue;
    }
    read_key(node, *key, name, full_name, context, section);
  }
}

struct TableSpec {
  std::string_view name;
  std::vector<std::string> keys;
  std::function<void(const toml::table&, const Context&, ProjectConfig&)> read;
};

template <typename Section>
TableSpec table_spec(std::string_view name, Section ProjectConfig::*section, std::span<const Option<Section>> rows) {
  TableSpec spec{name, {}, {}};
  for (const auto& row : rows)
    if (is_key(row)) spec.keys.emplace_back(row.name);
  spec.read = [name, section, rows](const toml::table& table, const Context& context, ProjectConfig& config) {
    read_section(table, name, rows, context, config.*section);
  };
  return spec;
}

// One entry per top-level table, in the order `deployctl help` lists the subcommands.
const std::vector<TableSpec>& schema() {
  static const std::vector<TableSpec> tables = {
      table_spec("check", &ProjectConfig::check, check_options()),
      table_spec("deploy", &ProjectConfig::deploy, deploy_options()),
      table_spec("render", &ProjectConfig::render, render_options()),
      table_spec("serve", &ProjectConfig::serve, serve_options()),
  };
  return tables;
}

void read_tables(const toml::table& root, const Context& context, ProjectConfig& config) {
  std::vector<std::string> table_names;
  for (const auto& table : schema()) table_names.emplace_back(table.name);
  for (const auto& [toml_key, node] : root) {
    const std::string name(toml_key.str());
    const auto where = context.at(toml_key.source());
    const auto spec = std::ranges::find(schema(), toml_key.str(), &TableSpec::name);
    if (spec == schema().end()) {
      // A key written above every table header lands here: say which table it belongs to.
      const auto owner = std::ranges::find_if(
          schema(), [&](const TableSpec& t) { return std::ranges::find(t.keys, name) != t.keys.end(); });
      if (owner != schema().end()) {
        context.problems->add(
            where, "'" + name + "' must be inside the [" + context.table_prefix + std::string(owner->name) + "] table");
      } else {
        const auto suggestion = did_you_mean(name, table_names);
        context.problems->add(where,
                              "unknown table [" + context.table_prefix + name + "]." +
                                  (suggestion.empty() ? " Known tables: " + join(table_names) + "." : suggestion));
      }
      continue;
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      context.problems->add(
          where, "[" + context.table_prefix + name + "] must be a table, found " + std::string(type_name(node)));
      continue;
    }
    spec->read(*table, context, config);
  }
}

// Parses `text`; nullopt for a pyproject.toml without [tool.deployctl].
Result<std::optional<ProjectConfig>> parse_config(std::string_view text, const fs::path& config_file,
                                                  bool from_pyproject) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(config_file, ec).lexically_normal();
  const fs::path cwd = fs::current_path(ec);
  const std::string shown = ec ? config_file.generic_string() : display_path(absolute, cwd);

  toml::table root;
  try {
    root = toml::parse(text, shown);
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    return fail(shown + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) +
                ": invalid TOML: " + std::string(error.description()));
  }

  ProjectConfig config;
  config.path = absolute;
  config.from_pyproject = from_pyproject;
  Problems problems;
  Context context{shown, absolute.parent_path(), from_pyproject ? "tool.deployctl." : "", &problems};

  const toml::table* tables = &root;
  if (from_pyproject) {
    const toml::node* ours = root.at_path("tool.deployctl").node();
    if (ours == nullptr) return std::nullopt;
    tables = ours->as_table();
    if (tables == nullptr)
      return fail(context.at(ours->source()).to_string() + ": [tool.deployctl] must be a table, found " +
                  std::string(type_name(*ours)));
  }
  read_tables(*tables, context, config);
  if (!problems.empty()) return std::unexpected(problems.to_error());
  return config;
}

Result<std::optional<ProjectConfig>> load_config(const fs::path& config_file, bool from_pyproject) {
  auto text = read_text_file(config_file);
  if (!text) return std::unexpected(text.error());
  return parse_config(*text, config_file, from_pyproject);
}

}  // namespace

Result<ProjectConfig> parse_project_config(std::string_view text, const fs::path& config_file, bool from_pyproject) {
  auto config = parse_config(text, config_file, from_pyproject);
  if (!config) return std::unexpected(config.error());
  if (!*config) {
    ProjectConfig empty;
    empty.path = fs::absolute(config_file).lexically_normal();
    empty.from_pyproject = from_pyproject;
    return empty;
  }
  return std::move(**config);
}

Result<ProjectConfig> load_project_config(const fs::path& config_file, bool from_pyproject) {
  auto text = read_text_file(config_file);
  if (!text) return std::unexpected(text.error());
  return parse_project_config(*text, config_file, from_pyproject);
}

Result<std::optional<ProjectConfig>> find_project_config(const fs::path& project_dir) {
  std::error_code ec;
  const fs::path start = fs::weakly_canonical(fs::absolute(project_dir, ec), ec);
  const auto each_directory_upwards = [&](const std::function<bool(const fs::path&)>& visit) {
    for (fs::path dir = start;; dir = dir.parent_path()) {
      if (visit(dir) || dir == dir.parent_path()) return;
    }
  };

  std::optional<fs::path> found;
  each_directory_upwards([&](const fs::path& dir) {
    std::error_code exists_error;
    if (fs::is_regular_file(dir / config_file_name, exists_error)) found = dir / config_file_name;
    return found.has_value();
  });
  if (found) return load_config(*found, false);

  // A pyproject.toml counts only when it has our table; the text search spares parsing every other one.
  Result<std::optional<ProjectConfig>> result = std::nullopt;
  each_directory_upwards([&](const fs::path& dir) {
    const fs::path candidate = dir / pyproject_file_name;
    std::error_code exists_error;
    if (!fs::is_regular_file(candidate, exists_error)) return false;
    auto text = read_text_file(candidate);
    if (!text) {
      result = std::unexpected(text.error());
      return true;
    }
    if (text->find("deployctl") == std::string::npos) return false;
    result = parse_config(*text, candidate, true);
    return !result || result->has_value();
  });
  return result;
}

}  // namespace deployctl
