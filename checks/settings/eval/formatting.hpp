// String formatting: f-strings, '%' formatting and str.format with the conversions settings use.
#pragma once

#include "checks/python/ast.hpp"
#include "checks/settings/eval/calls.hpp"

namespace deployctl::checks::settings::eval {

ValuePtr evaluate_joined_str(Frame& frame, const python::JoinedStr& joined, const Origin& origin);
ValuePtr percent_format(Frame& frame, const ValuePtr& format, const ValuePtr& arguments, const Origin& origin);
ValuePtr str_format(CallSite& site, const ValuePtr& format);

}  // namespace deployctl::checks::settings::eval
