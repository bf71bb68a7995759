// Python's arithmetic, comparison and boolean operators over known values.
#pragma once

#include "checks/python/ast.hpp"
#include "checks/settings/eval/frame.hpp"

namespace deployctl::checks::settings::eval {

ValuePtr binary_operation(Frame& frame, const ValuePtr& left, python::BinaryOperator op, const ValuePtr& right,
                          const Origin& origin);
ValuePtr unary_operation(Frame& frame, python::UnaryOperator op, const ValuePtr& operand, const Origin& origin);
// One link of a comparison chain: a bool, or unknown.
ValuePtr compare_values(Frame& frame, const ValuePtr& left, python::CompareOperator op, const ValuePtr& right,
                        const Origin& origin);
// `item in container` for known values; nullopt when unknown (or a TypeError, flagged in `type_error`).
std::optional<bool> contains(const Value& container, const Value& item, bool& type_error);

}  // namespace deployctl::checks::settings::eval
