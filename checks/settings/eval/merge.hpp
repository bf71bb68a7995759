// Joining the states of code paths that may each have run: names every path binds to equal values stay
// known; others become unknown listing their possible values.
#pragma once

#include <string>
#include <vector>

#include "checks/settings/eval/scope.hpp"

namespace deployctl::checks::settings::eval {

// Applies to `target` the merge of the paths' changes (each relative to `target`). `why` explains, e.g.
// "depends on the condition at settings.py:12".
void merge_paths(Scope& target, const std::vector<const Bindings*>& paths, const std::string& why);
// One value of several possible ones.
ValuePtr merge_values(const std::vector<ValuePtr>& values, const std::string& why);

}  // namespace deployctl::checks::settings::eval
