// Running the rule table on one context: what check_project does after the analysis, and what tests call.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

// Every rule `enabled` accepts, in table order. Under --django, a message of Django's whose check id a DJ rule
// mirrors is reported under that rule when no finding has that id yet: the static finding, which knows where
// the problem is, wins over Django's, and the same id is reported once.
// When `undecided` is given, each setting a rule needed but could not know is added to it (DPL005's input).
std::vector<Finding> run_rules(const RuleContext& context, const std::function<bool(std::string_view id)>& enabled,
                               std::vector<Undecided>* undecided = nullptr);

}  // namespace deployctl::checks::rules
