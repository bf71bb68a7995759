// One table per command (core/options/): a row per option gives its flag, its deployctl.toml key, its type (the
// member it fills), default, help, validation, and whether `render --set` and `--print-config` show it. The CLI's
// flags, the config reader, --set, --print-config and share/docs/configuration.md are all made from these rows.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config.hpp"

namespace deployctl {

// The typed storage of a row: a member of the command's options struct (core/config.hpp).
template <typename Section>
using OptionMember = std::variant<std::optional<ConfigString> Section::*,               // a string
                                  std::optional<std::vector<ConfigString>> Section::*,  // strings (repeatable)
                                  std::optional<std::vector<ConfigEntry>> Section::*,   // a table: NAME=VALUE
                                  std::optional<ConfigInteger> Section::*,              // an integer
                                  std::optional<ConfigNumber> Section::*,               // a number
                                  std::optional<ConfigBool> Section::*>;                // a switch

// Where a row appears (a bit set).
enum OptionUse : unsigned {
  use_flag = 1,   // a command-line flag --NAME (or the positional `value_name` when `positional`)
  use_key = 2,    // a key NAME of the command's table in deployctl.toml
  use_set = 4,    // `deployctl render --set TABLE.NAME=VALUE`
  use_print = 8,  // a line of the command's --print-config
};

// How a relative path written in deployctl.toml is anchored: at the config file's directory.
enum class ConfigPaths { none, whole, after_equals };

template <typename Section>
struct Option {
  std::string_view name;  // the TOML key and the long flag without its dashes
  OptionMember<Section> member;
  std::string_view help;
  std::string_view fallback = {};    // the default, written as on the command line ("2", "true"); "" none
  std::string_view value_name = {};  // N, FILE, ... in help; the name of a positional
  std::string_view flags = {};       // the flag's CLI11 names when more than --NAME: "-w,--workers"
  unsigned uses = use_flag | use_key;
  std::span<const std::string_view> choices = {};  // allowed values (of a table's entries too); empty: any
  std::optional<double> minimum = {};              // numbers: at least this (checked after flags and keys merge)
  std::optional<double> maximum = {};
  ConfigPaths paths = ConfigPaths::none;
  bool positional = false;
  bool required = false;  // a positional that must be given
  char delimiter = '\0';  // strings and tables from flags: each value is also split at this character
  // A flag with no key says why: an action, or what locates the config itself. Empty for every other row.
  std::string_view command_line_only = {};
};

// A row as the docs and the consistency tests see it, whatever its command's options struct.
struct OptionDescription {
  std::string_view table;  // "check", "serve", ... (the deployctl.toml table, or the command's name)
  std::string_view name;
  std::string flag;       // "--workers", "-w, --workers", "APP", "--set deploy.app"; "" when none
  std::string_view type;  // "string", "list of strings", "table of strings", "integer", "number", "boolean"
  std::string_view fallback;
  std::string_view help;
  std::span<const std::string_view> choices;
  std::optional<double> minimum;
  std::optional<double> maximum;
  unsigned uses = 0;
  std::string_view command_line_only;
};

template <typename Section>
std::string_view option_type(const Option<Section>& row) {
  static constexpr std::string_view names[] = {"string",  "list of strings", "table of strings",
                                               "integer", "number",          "boolean"};
  return names[row.member.index()];
}

// How messages and docs name a row's flag: "--workers", "APP", or "--set deploy.app" for a --set-only key.
template <typename Section>
std::string option_flag(const Option<Section>& row, std::string_view table) {
  if ((row.uses & use_flag) == 0)
    return (row.uses & use_set) != 0 ? "--set " + std::string(table) + "." + std::string(row.name) : "";
  if (row.positional) return std::string(row.value_name);
  return "--" + std::string(row.name);
}

template <typename Section>
std::vector<OptionDescription> describe_options(std::string_view table, std::span<const Option<Section>> rows) {
  std::vector<OptionDescription> out;
  for (const Option<Section>& row : rows)
    out.push_back({table, row.name, option_flag(row, table), option_type(row), row.fallback, row.help, row.choices,
                   row.minimum, row.maximum, row.uses, row.command_line_only});
  return out;
}

// Every command's rows, in the order `deployctl --help` lists the commands ([deploy] after render).
std::vector<OptionDescription> all_option_descriptions();

}  // namespace deployctl
