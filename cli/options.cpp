// The CLI11 side of the option tables, compiled once: every other command file stays free of CLI11's headers,
// whose inline code costs seconds of compile time in each file that includes them.
#include "cli/options.hpp"

#include <CLI/CLI.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "core/option_values.hpp"

namespace deployctl::cli {

namespace {

namespace detail {

// The CLI11 names of a row: "APP" for a positional, else `flags` or --NAME.
template <typename Section>
std::string cli_names(const Option<Section>& row) {
  if (row.positional) return std::string(row.value_name);
  return row.flags.empty() ? "--" + std::string(row.name) : std::string(row.flags);
}

}  // namespace detail

// Declares every row with a flag on `app`. What the command line gives lands in `given`, each value with where.flag
// naming the flag, so that an absent member means "not given" and messages can name the flag.
template <typename Section>
void declare_rows(CLI::App& app, std::span<const Option<Section>> rows, Section& given) {
  for (const Option<Section>& row : rows) {
    if ((row.uses & use_flag) == 0) continue;
    ConfigPosition where;
    where.flag = option_flag(row, "");
    const std::string names = detail::cli_names(row);
    const std::string help(row.help);
    CLI::Option* option = std::visit(
        [&]<typename Member>(Member member) -> CLI::Option* {
          using Stored = option_detail::Stored<Section, Member>;
          if constexpr (std::is_same_v<Stored, ConfigBool>) {
            // The last of --x and --no-x wins, as for every other flag (not the sum of both).
            return app
                .add_flag_function(
                    names,
                    [&given, member, where](std::int64_t count) {
                      given.*member = ConfigBool{count > 0, where};
                    },
                    help)
                ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
          } else if constexpr (std::is_same_v<Stored, ConfigString>) {
            return app
                .add_option_function<std::string>(
                    names,
                    [&given, member, where](const std::string& value) {
                      given.*member = ConfigString{value, where};
                    },
                    help)
                ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
          } else if constexpr (std::is_same_v<Stored, ConfigInteger>) {
            return app
                .add_option_function<std::int64_t>(
                    names,
                    [&given, member, where](std::int64_t value) {
                      given.*member = ConfigInteger{value, where};
                    },
                    help)
                ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
          } else if constexpr (std::is_same_v<Stored, ConfigNumber>) {
            return app
                .add_option_function<double>(
                    names,
                    [&given, member, where](double value) {
                      given.*member = ConfigNumber{value, where};
                    },
                    help)
                ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
          } else if constexpr (std::is_same_v<Stored, std::vector<ConfigString>>) {
            return app.add_option_function<std::vector<std::string>>(
                names,
                [&given, member, where](const std::vector<std::string>& values) {
                  auto& items = (given.*member).emplace();
                  for (const std::string& value : values) items.push_back({value, where});
                },
                help);
          } else {
            // A table from the command line: NAME=VALUE items.
            const std::string expected(row.value_name.empty() ? "NAME=VALUE" : row.value_name);
            return app.add_option_function<std::vector<std::string>>(
                names,
                [&given, member, where, expected](const std::vector<std::string>& values) {
                  auto& entries = (given.*member).emplace();
                  for (const std::string& value : values) {
                    const std::size_t equals = value.find('=');
                    if (equals == std::string::npos)
                      throw CLI::ValidationError(where.flag, "expected " + expected + ", got '" + value + "'");
                    entries.push_back({{value.substr(0, equals), where}, {value.substr(equals + 1), where}});
                  }
                },
                help);
          }
        },
        row.member);
    if (!row.value_name.empty() && !row.positional) option->type_name(std::string(row.value_name));
    if (row.delimiter != '\0') option->delimiter(row.delimiter);
    if (row.required) option->required();
  }
}

// --print-config: every row that shows there, as a TOML line of its command's table. An absent string prints as
// "", an absent list as [], an absent switch as false.
template <typename Section>
void print_rows(std::ostream& out, std::span<const Option<Section>> rows, const Section& values) {
  for (const Option<Section>& row : rows) {
    if ((row.uses & use_print) == 0) continue;
    out << row.name << " = ";
    std::visit(
        [&]<typename Member>(Member member) {
          using Stored = option_detail::Stored<Section, Member>;
          const auto& value = values.*member;
          if constexpr (std::is_same_v<Stored, ConfigBool>) {
            out << (value && value->value ? "true" : "false");
          } else if constexpr (std::is_same_v<Stored, ConfigString>) {
            out << option_detail::toml_quoted(value ? value->value : "");
          } else if constexpr (std::is_same_v<Stored, ConfigInteger>) {
            out << (value ? value->value : 0);
          } else if constexpr (std::is_same_v<Stored, ConfigNumber>) {
            out << option_detail::toml_number(value ? value->value : 0);
          } else if constexpr (std::is_same_v<Stored, std::vector<ConfigString>>) {
            out << "[";
            if (value)
              for (std::size_t i = 0; i < value->size(); ++i)
                out << (i > 0 ? ", " : "") << option_detail::toml_quoted((*value)[i].value);
            out << "]";
          } else {
            out << "{";
            if (value)
              for (std::size_t i = 0; i < value->size(); ++i)
                out << (i > 0 ? ", " : " ") << (*value)[i].key.value << " = "
                    << option_detail::toml_quoted((*value)[i].value.value);
            out << (value && !value->empty() ? " }" : "}");
          }
        },
        row.member);
    out << "\n";
  }
}

}  // namespace

void declare_options(CLI::App& app, std::span<const Option<CheckConfig>> rows, CheckConfig& given) {
  declare_rows(app, rows, given);
}
void declare_options(CLI::App& app, std::span<const Option<ServeConfig>> rows, ServeConfig& given) {
  declare_rows(app, rows, given);
}
void declare_options(CLI::App& app, std::span<const Option<RenderConfig>> rows, RenderConfig& given) {
  declare_rows(app, rows, given);
}
void declare_options(CLI::App& app, std::span<const Option<RulesConfig>> rows, RulesConfig& given) {
  declare_rows(app, rows, given);
}
void declare_options(CLI::App& app, std::span<const Option<ExplainConfig>> rows, ExplainConfig& given) {
  declare_rows(app, rows, given);
}
void declare_options(CLI::App& app, std::span<const Option<HelpConfig>> rows, HelpConfig& given) {
  declare_rows(app, rows, given);
}

void print_options(std::ostream& out, std::span<const Option<ServeConfig>> rows, const ServeConfig& values) {
  print_rows(out, rows, values);
}

}  // namespace deployctl::cli
