// The commands with no deployctl.toml table: `rules`, `explain`, `help`.
#include "core/options.hpp"

namespace deployctl {

namespace {

const Option<RulesConfig> rules_rows[] = {
    {.name = "format",
     .member = &RulesConfig::format,
     .help = "Output format: text (default), json or markdown",
     .fallback = "text",
     .value_name = "FORMAT",
     .uses = use_flag,
     .command_line_only = "the rules are the same in every project"},
};

const Option<ExplainConfig> explain_rows[] = {
    {.name = "id",
     .member = &ExplainConfig::id,
     .help = "The rule id, e.g. DJ018 ('deployctl rules' lists them)",
     .value_name = "ID",
     .uses = use_flag,
     .positional = true,
     .required = true,
     .command_line_only = "what to explain"},
};

const Option<HelpConfig> help_rows[] = {
    {.name = "command",
     .member = &HelpConfig::command,
     .help = "The command to describe, or 'config' for the deployctl.toml reference; without it, the list of commands",
     .value_name = "COMMAND",
     .uses = use_flag,
     .positional = true,
     .command_line_only = "what to describe"},
};

}  // namespace

std::span<const Option<RulesConfig>> rules_options() { return rules_rows; }
std::span<const Option<ExplainConfig>> explain_options() { return explain_rows; }
std::span<const Option<HelpConfig>> help_options() { return help_rows; }

}  // namespace deployctl
