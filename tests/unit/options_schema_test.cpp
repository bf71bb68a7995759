// The option tables (core/options/) are the one declaration of every option: each flag has its key and each key
// its flag (or says why not), the CLI declares exactly the tables' rows, and a flag, a key and --set give the same
// typed value.
#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "checks/report/report.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "core/options.hpp"
#include "generators/deploy_overrides.hpp"

using namespace deployctl;

namespace {

// A value of the row's type, as a command-line word and as a TOML value.
template <typename Section>
std::pair<std::string, std::string> sample(const Option<Section>& row) {
  const std::string_view type = option_type(row);
  const std::string word = row.choices.empty() ? "sample-value" : std::string(row.choices.back());
  if (type == "integer") return {"7", "7"};
  if (type == "number") return {"2.5", "2.5"};
  if (type == "boolean") return {"", "true"};
  if (type == "list of strings") return {word, "[\"" + word + "\"]"};
  if (type == "table of strings") return {"NAME=" + word, "{ NAME = \"" + word + "\" }"};
  return {word, "\"" + word + "\""};
}

// Equal values in two options structs for one row (positions aside).
template <typename Section>
bool same_value(const Option<Section>& row, const Section& a, const Section& b) {
  return std::visit(
      [&]<typename Member>(Member member) {
        const auto& x = a.*member;
        const auto& y = b.*member;
        if (!x || !y) return false;
        using Stored = typename std::remove_cvref_t<decltype(x)>::value_type;
        if constexpr (std::is_same_v<Stored, std::vector<ConfigString>>) {
          return x->size() == y->size() && std::ranges::equal(*x, *y, {}, &ConfigString::value, &ConfigString::value);
        } else if constexpr (std::is_same_v<Stored, std::vector<ConfigEntry>>) {
          return x->size() == 1 && y->size() == 1 && x->front().key.value == y->front().key.value &&
                 x->front().value.value == y->front().value.value;
        } else {
          return x->value == y->value;
        }
      },
      row.member);
}

// Which flag the value of the row says it came from.
template <typename Section>
std::string given_by_flag(const Option<Section>& row, const Section& given) {
  return std::visit(
      [&]<typename Member>(Member member) -> std::string {
        const auto& value = given.*member;
        using Stored = typename std::remove_cvref_t<decltype(value)>::value_type;
        if (!value) return "";
        if constexpr (std::is_same_v<Stored, std::vector<ConfigString>>) {
          return value->empty() ? "" : value->front().where.flag;
        } else if constexpr (std::is_same_v<Stored, std::vector<ConfigEntry>>) {
          return value->empty() ? "" : value->front().key.where.flag;
        } else {
          return value->where.flag;
        }
      },
      row.member);
}

// Each row with a flag and a key: the flag and the key give the same value.
template <typename Section>
void flags_and_keys_agree(std::span<const Option<Section>> rows, std::string_view table,
                          Section ProjectConfig::*section) {
  for (const Option<Section>& row : rows) {
    if ((row.uses & use_flag) == 0 || (row.uses & use_key) == 0) continue;
    CAPTURE(row.name);
    const auto [word, toml] = sample(row);
    CLI::App app;
    Section given;
    cli::declare_options(app, rows, given);
    std::vector<std::string> args;
    if (!row.positional) args.push_back(option_flag(row, table));
    if (!word.empty()) args.push_back(word);
    std::ranges::reverse(args);
    REQUIRE_NOTHROW(app.parse(args));
    auto config = parse_project_config("[" + std::string(table) + "]\n" + std::string(row.name) + " = " + toml + "\n",
                                       "/tmp/deployctl.toml", false);
    REQUIRE_MESSAGE(config.has_value(), config.error().message);
    const Section& from_key = (*config).*section;
    if (row.paths == ConfigPaths::none) CHECK(same_value(row, given, from_key));
    CHECK(given_by_flag(row, given) == option_flag(row, table));
  }
}

std::set<std::string> declared_names(const cli::Command& command) {
  CLI::App app;
  std::ostringstream discard;
  const cli::Io io{discard, discard, false};
  command.declare(app, io);
  std::set<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    if (!option->get_lnames().empty() && option->get_lnames().front() == "help") continue;
    names.insert(option->get_lnames().empty() ? option->get_name() : "--" + option->get_lnames().front());
  }
  return names;
}

}  // namespace

TEST_SUITE("options") {
  TEST_CASE("every flag has its key and every key its flag, or says why it has none") {
    for (const OptionDescription& row : all_option_descriptions()) {
      CAPTURE(row.table);
      CAPTURE(row.name);
      const bool flag = (row.uses & use_flag) != 0;
      const bool key = (row.uses & use_key) != 0;
      const bool set = (row.uses & use_set) != 0;
      if (key) CHECK((flag || set));
      if (flag && !key) CHECK_FALSE(row.command_line_only.empty());
      if (key) CHECK(row.command_line_only.empty());
      CHECK_FALSE(row.help.empty());
    }
  }

  TEST_CASE("each command declares exactly the flags of its table") {
    for (const cli::Command& command : cli::commands()) {
      CAPTURE(command.name);
      std::set<std::string> expected;
      for (const OptionDescription& row : all_option_descriptions())
        if (row.table == command.name && (row.uses & use_flag) != 0) expected.insert(row.flag);
      CHECK_FALSE(expected.empty());
      CHECK(declared_names(command) == expected);
    }
  }

  TEST_CASE("a flag and a key of the same option give the same typed value") {
    flags_and_keys_agree(check_options(), "check", &ProjectConfig::check);
    flags_and_keys_agree(serve_options(), "serve", &ProjectConfig::serve);
    flags_and_keys_agree(render_options(), "render", &ProjectConfig::render);
  }

  TEST_CASE("--set and the key of the same [deploy] or [render] option give the same typed value") {
    const auto agree = [](const auto rows, std::string_view table, auto section) {
      for (const auto& row : rows) {
        if ((row.uses & use_set) == 0) continue;
        CAPTURE(row.name);
        CHECK((row.uses & use_key) != 0);
        auto [word, toml] = sample(row);
        if (option_type(row) == "boolean") word = "true";
        ProjectConfig from_set;
        const auto applied =
            generators::apply_override(from_set, std::string(table) + "." + std::string(row.name) + "=" + word);
        REQUIRE_MESSAGE(applied.has_value(), applied.error().message);
        auto from_key = parse_project_config(
            "[" + std::string(table) + "]\n" + std::string(row.name) + " = " + toml + "\n", "deployctl.toml", false);
        REQUIRE_MESSAGE(from_key.has_value(), from_key.error().message);
        CHECK(same_value(row, from_set.*section, (*from_key).*section));
      }
    };
    agree(deploy_options(), "deploy", &ProjectConfig::deploy);
    agree(render_options(), "render", &ProjectConfig::render);
  }

  TEST_CASE("defaults are values of their row's type") {
    ServeConfig serve;
    apply_defaults(serve_options(), serve);
    CHECK(serve.keep_alive->value == 2);
    CHECK(serve.bind->front().value == "127.0.0.1:8000");
    CHECK(serve.error_logfile->value == "-");
    CHECK(serve.keep_alive->where.flag == "default");
    CheckConfig check;
    apply_defaults(check_options(), check);
    CHECK(check.show_source->value);
    CHECK(check.fail_on->value == "warning");
    DeployConfig deploy;
    apply_defaults(deploy_options(), deploy);
    CHECK(deploy.https_port->value == 443);
    CHECK(deploy.ipv6->value);
  }

  TEST_CASE("bounds name the flag, from a flag or a key alike") {
    ServeConfig serve;
    serve.workers = ConfigInteger{0, {}};
    auto low = check_bounds(serve_options(), serve, "serve");
    REQUIRE_FALSE(low.has_value());
    CHECK(low.error().message == "serve: --workers: must be at least 1");
    serve.workers = ConfigInteger{300, {}};
    CHECK(check_bounds(serve_options(), serve, "serve").error().message == "serve: --workers: must be at most 255");
  }

  TEST_CASE("check's --format help lists every report format") {
    const auto rows = check_options();
    const auto format = std::ranges::find(rows, std::string_view("format"), &Option<CheckConfig>::name);
    REQUIRE(format != rows.end());
    for (const std::string& name : checks::report::format_names()) {
      CAPTURE(name);
      CHECK(format->help.find(name) != std::string_view::npos);
    }
  }
}
