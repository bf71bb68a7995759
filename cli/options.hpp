// A command's option table made into CLI11 flags, and --print-config from the same rows (core/option_schema.hpp);
// merging flags over keys, defaults and bounds are core/option_values.hpp. CLI11 itself stays in cli/options.cpp
// and cli/command.cpp.
#pragma once

#include <iosfwd>
#include <span>

#include "core/option_schema.hpp"
#include "core/option_values.hpp"

namespace CLI {
class App;
}

namespace deployctl::cli {

// Declares every row with a flag on `app`. What the command line gives lands in `given`, each value with where.flag
// naming the flag, so that an absent member means "not given" and messages can name the flag.
void declare_options(CLI::App& app, std::span<const Option<CheckConfig>> rows, CheckConfig& given);
void declare_options(CLI::App& app, std::span<const Option<ServeConfig>> rows, ServeConfig& given);
void declare_options(CLI::App& app, std::span<const Option<RenderConfig>> rows, RenderConfig& given);
void declare_options(CLI::App& app, std::span<const Option<RulesConfig>> rows, RulesConfig& given);
void declare_options(CLI::App& app, std::span<const Option<ExplainConfig>> rows, ExplainConfig& given);
void declare_options(CLI::App& app, std::span<const Option<HelpConfig>> rows, HelpConfig& given);

// --print-config: every row that shows there, as a TOML line of its command's table. An absent string prints as
// "", an absent list as [], an absent switch as false.
void print_options(std::ostream& out, std::span<const Option<ServeConfig>> rows, const ServeConfig& values);

}  // namespace deployctl::cli
