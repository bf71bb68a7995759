// The one table of rules: `deployctl rules`, `explain`, --select/--ignore and the docs all read it.
#pragma once

#include <span>
#include <string_view>

#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

std::span<const Rule> all_rules();
const Rule* find_rule(std::string_view id);

}  // namespace deployctl::checks::rules
