// Assignment targets and the places mutations write back to: `NAME`, `NAME[k1][k2]`, unpacking, `del`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checks/python/ast.hpp"
#include "checks/settings/eval/frame.hpp"

namespace deployctl::checks::settings::eval {

// `ROOT[k1][k2]...` with its keys evaluated once.
struct Place {
  std::string root;
  std::vector<ValuePtr> keys;
  std::vector<Origin> key_origins;
};

// nullopt when `expr` is not a name or a subscript chain on a name.
std::optional<Place> resolve_place(Frame& frame, const python::ExprPtr& expr);
ValuePtr read_place(Frame& frame, const Place& place, const Origin& origin);
// Stores `value` at the place. `in_place`: the root container is changed rather than rebound, so every
// name bound to the same container sees the change (Python's aliasing of lists and dicts).
void write_place(Frame& frame, const Place& place, ValuePtr value, bool in_place, const Origin& origin);

// `target = value` for every target form (names, unpacking, subscripts, attributes, os.environ[...]).
void assign_target(Frame& frame, const python::ExprPtr& target, const ValuePtr& value);
void delete_target(Frame& frame, const python::ExprPtr& target);
// Binds every name a target would bind to an unknown value (loops, with-statements).
void collect_target_names(const python::ExprPtr& target, std::vector<std::string>& names);

}  // namespace deployctl::checks::settings::eval
