// Values of a command's options: flags merged over keys, the rows' defaults, and their bounds (core/option_schema.hpp).
#pragma once

#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/option_schema.hpp"

namespace deployctl {

namespace option_detail {

template <typename Section, typename Member>
using Stored = typename std::remove_reference_t<decltype(std::declval<Section&>().*std::declval<Member>())>::value_type;

std::vector<std::string> split_at(std::string_view text, char delimiter);
std::string toml_quoted(std::string_view text);
std::string toml_number(double value);  // the shortest text: 30, 0.5, 1024

}  // namespace option_detail

// Every member the command line gave replaces the config file's.
template <typename Section>
Section merge_options(std::span<const Option<Section>> rows, Section config, const Section& given) {
  for (const Option<Section>& row : rows)
    std::visit(
        [&](auto member) {
          if (given.*member) config.*member = given.*member;
        },
        row.member);
  return config;
}

// Members still absent get their row's default, written as on the command line (where.flag: "default").
template <typename Section>
void apply_defaults(std::span<const Option<Section>> rows, Section& values) {
  ConfigPosition where;
  where.flag = "default";
  for (const Option<Section>& row : rows) {
    if (row.fallback.empty()) continue;
    const std::string text(row.fallback);
    std::visit(
        [&]<typename Member>(Member member) {
          using Stored = option_detail::Stored<Section, Member>;
          if (values.*member) return;
          if constexpr (std::is_same_v<Stored, ConfigBool>) {
            values.*member = ConfigBool{text == "true", where};
          } else if constexpr (std::is_same_v<Stored, ConfigString>) {
            values.*member = ConfigString{text, where};
          } else if constexpr (std::is_same_v<Stored, ConfigInteger>) {
            values.*member = ConfigInteger{std::strtoll(text.c_str(), nullptr, 10), where};
          } else if constexpr (std::is_same_v<Stored, ConfigNumber>) {
            values.*member = ConfigNumber{std::strtod(text.c_str(), nullptr), where};
          } else if constexpr (std::is_same_v<Stored, std::vector<ConfigString>>) {
            auto& items = (values.*member).emplace();
            for (const std::string& item : option_detail::split_at(text, ',')) items.push_back({item, where});
          }
        },
        row.member);
  }
}

// Numbers outside their row's bounds: "--workers: must be at least 1", whether a flag or a key gave them.
template <typename Section>
Result<void> check_bounds(std::span<const Option<Section>> rows, const Section& values, std::string_view command) {
  for (const Option<Section>& row : rows) {
    std::optional<double> value;
    std::visit(
        [&]<typename Member>(Member member) {
          using Stored = option_detail::Stored<Section, Member>;
          if constexpr (std::is_same_v<Stored, ConfigInteger> || std::is_same_v<Stored, ConfigNumber>)
            if (values.*member) value = static_cast<double>((values.*member)->value);
        },
        row.member);
    if (!value) continue;
    const std::string flag = option_flag(row, command);
    if (row.minimum && *value < *row.minimum)
      return fail(std::string(command) + ": " + flag + ": must be at least " +
                  option_detail::toml_number(*row.minimum));
    if (row.maximum && *value > *row.maximum)
      return fail(std::string(command) + ": " + flag + ": must be at most " + option_detail::toml_number(*row.maximum));
  }
  return {};
}

}  // namespace deployctl
