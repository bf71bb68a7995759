// Calls: evaluating arguments, and dispatching to the builtins, methods of known values, modelled library
// functions, or an unknown result naming what was called.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/python/ast.hpp"
#include "checks/settings/eval/frame.hpp"

namespace deployctl::checks::settings::eval {

struct Arguments {
  std::vector<ValuePtr> positional;
  std::vector<std::pair<std::string, ValuePtr>> keywords;
  bool unexpanded = false;  // *args or **kwargs whose contents are unknown

  // Argument `index` (positional) or `name` (keyword); null when not given.
  ValuePtr get(std::size_t index, std::string_view name) const;
  ValuePtr keyword(std::string_view name) const;
};

struct CallSite {
  Frame& frame;
  Origin origin;         // the call expression
  std::string qualname;  // what is called: "os.getenv", "environ.Env.bool", "len", ...
  ValuePtr receiver;     // bound methods and called instances: the instance; else null
  Arguments args;
};

using CallHandler = ValuePtr (*)(CallSite& site);

ValuePtr evaluate_call(Frame& frame, const python::Call& call, const Origin& origin);
Arguments evaluate_arguments(Frame& frame, const python::Call& call);
// Calls an evaluated callable.
ValuePtr call_value(Frame& frame, const ValuePtr& callee, Arguments args, const Origin& origin);
// The unknown result of calling something not modelled: producer names it.
ValuePtr unmodelled_call(const CallSite& site);

}  // namespace deployctl::checks::settings::eval
