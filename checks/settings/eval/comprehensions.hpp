// List, set and dict comprehensions and generator expressions over known iterables.
#pragma once

#include "checks/python/ast.hpp"
#include "checks/settings/eval/frame.hpp"

namespace deployctl::checks::settings::eval {

ValuePtr evaluate_comprehension(Frame& frame, const python::Comp& comp, const Origin& origin);
ValuePtr evaluate_dict_comprehension(Frame& frame, const python::DictComp& comp, const Origin& origin);

}  // namespace deployctl::checks::settings::eval
