// The option table of every command (core/options/<command>.cpp): the one place an option is declared.
#pragma once

#include <span>

#include "core/option_schema.hpp"

namespace deployctl {

std::span<const Option<CheckConfig>> check_options();
std::span<const Option<ServeConfig>> serve_options();
std::span<const Option<RenderConfig>> render_options();
std::span<const Option<DeployConfig>> deploy_options();  // [deploy]: keys and render's --set, no flags
std::span<const Option<RulesConfig>> rules_options();
std::span<const Option<ExplainConfig>> explain_options();
std::span<const Option<HelpConfig>> help_options();

}  // namespace deployctl
