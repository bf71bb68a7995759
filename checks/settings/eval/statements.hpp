// Executing module-level statements statically: bindings, branches (merged when the condition is
// unknown), try/except, loops (whose effects become unknown), imports and definitions.
#pragma once

#include "checks/python/ast.hpp"
#include "checks/settings/eval/frame.hpp"

namespace deployctl::checks::settings::eval {

void execute_block(Frame& frame, const python::Block& block);

}  // namespace deployctl::checks::settings::eval
