// Building the evaluator's values: sharing, provenance (env reads and the steps applied since), size
// limits, library objects, and Python's str()/repr()/iteration over known values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/settings/eval/frame.hpp"
#include "checks/settings/value.hpp"

namespace deployctl::checks::settings::eval {

ValuePtr share(Value value);
ValuePtr unknown_value(std::string reason, const Origin& origin);

// An unknown result computed from `cause`: keeps its reason, env provenance (adding `step`) and producer.
ValuePtr unknown_from(const Value& cause, const Origin& origin, std::string_view step);
// Gives `out` the env provenance of `source` plus `step`, unless `out` already has one.
void carry_env(Value& out, const Value& source, std::string_view step);
// The first operand of several with env provenance, or null.
const Value* env_source(std::initializer_list<const Value*> operands);

// A computed value, checked against the size limits (unknown when over them) and charged to the run.
ValuePtr finish(Frame& frame, Value value);
bool within_limits(const Value& value);

// Library and project objects: Kind::object with text "<category> <qualified name>", e.g. "module os",
// "function os.getenv", "class pathlib.Path", "instance environ.Env", "method environ.Env.bool".
Value make_object(std::string_view category, std::string_view qualname, const Origin& origin);
std::string_view object_category(const Value& value);
std::string_view object_name(const Value& value);
bool is_object(const Value& value, std::string_view category, std::string_view qualname);
// An instance's attribute kept in its entries (string keys), e.g. environ.Path's "root"; null when absent.
const Value* attribute_entry(const Value& object, std::string_view name);

// The elements `for x in value` walks through: list/tuple/set items, dict keys, a str's characters,
// generator and range objects; nullopt when not known (or not iterable, or longer than max_iterations).
std::optional<std::vector<Value>> iterate(const Value& value);

// str(value) and repr(value) for known values; nullopt when Python's result is not known to us.
std::optional<std::string> to_str(const Value& value);
std::optional<std::string> to_repr(const Value& value);
// A short rendering of an operand for `steps`, e.g. "'true'", "','", "[...]".
std::string step_operand(const Value& value);

}  // namespace deployctl::checks::settings::eval
