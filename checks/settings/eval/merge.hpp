// Joining the states of code paths that may each have run: names every path binds to equal values stay
// known; others become unknown listing their possible values.
#pragma once

#include <string>
#include <vector>

#include "checks/settings/eval/frame.hpp"
#include "checks/settings/eval/scope.hpp"

namespace deployctl::checks::settings::eval {

// Applies to `target` the merge of the paths' changes (each relative to `target`). `why` explains, e.g.
// "depends on the condition at settings.py:12".
void merge_paths(Scope& target, const std::vector<const Bindings*>& paths, const std::string& why);
// Code wrote names of the globals deployctl cannot tell (`globals()[name] = ...` with an unknown name,
// `globals().update(<unknown>)`, globals() handed to unmodelled code): every setting bound so far may
// have been replaced, and any setting not bound may now be. Names bound afterwards are not affected.
void unknown_globals_write(Frame& frame, const std::string& why);
// Settings are the upper-case names (Django reads no others).
bool is_setting_name(std::string_view name);
// One value of several possible ones.
ValuePtr merge_values(const std::vector<ValuePtr>& values, const std::string& why);

}  // namespace deployctl::checks::settings::eval
