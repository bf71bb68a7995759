// Executing module-level statements statically: bindings, branches (merged when the condition is
// unknown), try/except, loops (whose effects become unknown), imports and definitions.
#pragma once

#include <string>
#include <vector>

#include "checks/python/ast.hpp"
#include "checks/settings/eval/frame.hpp"

namespace deployctl::checks::settings::eval {

void execute_block(Frame& frame, const python::Block& block);
// Names a block binds (assignments, imports, defs, loop targets, ...), nested blocks included.
std::vector<std::string> names_bound_in(const python::Block& block);

}  // namespace deployctl::checks::settings::eval
