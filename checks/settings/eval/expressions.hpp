// Evaluating one expression to a value, statically.
#pragma once

#include <string_view>

#include "checks/python/ast.hpp"
#include "checks/settings/eval/frame.hpp"

namespace deployctl::checks::settings::eval {

ValuePtr evaluate(Frame& frame, const python::ExprPtr& expr);

// `value.attr` on an already evaluated value.
ValuePtr member_of(Frame& frame, const ValuePtr& value, std::string_view attr, const Origin& origin);
// `container[key]` on evaluated operands; a null key_expr slice means `key` is a slice object built by the caller.
ValuePtr subscript_value(Frame& frame, const ValuePtr& container, const ValuePtr& key, const Origin& origin);
// container[lower:upper:step] with evaluated bounds (null: omitted).
ValuePtr slice_value(Frame& frame, const ValuePtr& container, const ValuePtr& lower, const ValuePtr& upper,
                     const ValuePtr& step, const Origin& origin);

// A Python exception the code raises here: unwinds to a try that catches it, and in any case gives the
// unknown value that stands for the failed operation.
ValuePtr raise_unknown(Frame& frame, PyException type, std::string reason, const Origin& origin);

}  // namespace deployctl::checks::settings::eval
