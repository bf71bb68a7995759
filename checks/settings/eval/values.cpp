// Value construction helpers shared by every part of the evaluator.
#include "checks/settings/eval/values.hpp"

#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/python_text.hpp"

namespace deployctl::checks::settings::eval {

namespace {

// Counts nodes and bytes, stopping as soon as a limit is passed. Values already made respect the nesting
// limit, so the recursion is at most max_value_nesting + 1 deep.
bool measure(const Value& value, int nesting, std::size_t& nodes) {
  if (nesting > max_value_nesting) return false;
  nodes += 1 + value.text.size() / 64 + value.alternatives.size();
  if (nodes > max_value_nodes || value.text.size() > max_text_bytes) return false;
  for (const Value& item : value.items)
    if (!measure(item, nesting + 1, nodes)) return false;
  for (const auto& [key, item] : value.entries)
    if (!measure(key, nesting + 1, nodes) || !measure(item, nesting + 1, nodes)) return false;
  for (const Value& alternative : value.alternatives)
    if (!measure(alternative, nesting + 1, nodes)) return false;
  return true;
}

std::optional<std::string> join_repr(const std::vector<Value>& items, std::string_view open, std::string_view close,
                                     bool single_comma) {
  std::string out(open);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    const auto piece = to_repr(items[i]);
    if (!piece) return std::nullopt;
    out += *piece;
    if (out.size() > max_text_bytes) return std::nullopt;
  }
  if (single_comma && items.size() == 1) out += ',';
  out += close;
  return out;
}

}  // namespace

ValuePtr share(Value value) { return std::make_shared<const Value>(std::move(value)); }

ValuePtr unknown_value(std::string reason, const Origin& origin) {
  return share(Value::unknown(std::move(reason), origin));
}

void carry_env(Value& out, const Value& source, std::string_view step) {
  if (out.env || !source.env) return;
  out.env = source.env;
  out.steps = source.steps;
  if (!step.empty()) out.steps.emplace_back(step);
}

const Value* env_source(std::initializer_list<const Value*> operands) {
  for (const Value* operand : operands)
    if (operand && operand->env) return operand;
  return nullptr;
}

ValuePtr unknown_from(const Value& cause, const Origin& origin, std::string_view step) {
  Value out = Value::unknown(cause.is_known()
                                 ? "computed from a value the evaluator cannot follow"
                                 : (cause.unknown_reason.empty() ? std::string("unknown value") : cause.unknown_reason),
                             origin);
  out.producer = cause.producer;
  carry_env(out, cause, step);
  return share(std::move(out));
}

bool within_limits(const Value& value) {
  std::size_t nodes = 0;
  return measure(value, 0, nodes);
}

ValuePtr finish(Frame& frame, Value value) {
  std::size_t nodes = 0;
  const bool fits = measure(value, 0, nodes);
  frame.run.work += nodes;
  if (!fits) {
    Value out = Value::unknown("too large to evaluate (over deployctl's size limits)", value.origin);
    out.env = value.env;
    out.steps = value.steps;
    return share(std::move(out));
  }
  return share(std::move(value));
}

Value make_object(std::string_view category, std::string_view qualname, const Origin& origin) {
  Value value;
  value.kind = Value::Kind::object;
  value.text = std::string(category) + " " + std::string(qualname);
  value.origin = origin;
  return value;
}

std::string_view object_category(const Value& value) {
  if (value.kind != Value::Kind::object) return {};
  const std::string_view text = value.text;
  const auto space = text.find(' ');
  return space == std::string_view::npos ? std::string_view{} : text.substr(0, space);
}

std::string_view object_name(const Value& value) {
  if (value.kind != Value::Kind::object) return {};
  const std::string_view text = value.text;
  const auto space = text.find(' ');
  return space == std::string_view::npos ? text : text.substr(space + 1);
}

bool is_object(const Value& value, std::string_view category, std::string_view qualname) {
  return object_category(value) == category && object_name(value) == qualname;
}

const Value* attribute_entry(const Value& object, std::string_view name) {
  for (const auto& [key, value] : object.entries)
    if (key.kind == Value::Kind::string && key.text == name) return &value;
  return nullptr;
}

std::optional<std::vector<Value>> iterate(const Value& value) {
  using Kind = Value::Kind;
  switch (value.kind) {
    case Kind::list:
    case Kind::tuple:
    case Kind::set: return value.items;
    case Kind::dict: {
      std::vector<Value> keys;
      keys.reserve(value.entries.size());
      for (const auto& entry : value.entries) keys.push_back(entry.first);
      return keys;
    }
    case Kind::string: {
      if (value.text.size() > max_iterations) return std::nullopt;
      std::vector<Value> characters;
      for (const std::string_view point : code_points(value.text)) {
        Value character = Value::from_string(std::string(point), value.origin);
        character.env = value.env;
        character.steps = value.steps;
        characters.push_back(std::move(character));
      }
      return characters;
    }
    case Kind::object:
      if (value.text == "instance generator" || value.text == "instance range") return value.items;
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::optional<std::string> to_str(const Value& value) {
  using Kind = Value::Kind;
  switch (value.kind) {
    case Kind::string:
    case Kind::path: return value.text;
    default: return to_repr(value);
  }
}

std::optional<std::string> to_repr(const Value& value) {
  using Kind = Value::Kind;
  switch (value.kind) {
    case Kind::none: return "None";
    case Kind::boolean: return value.boolean ? "True" : "False";
    case Kind::integer: return std::to_string(value.integer);
    case Kind::floating: return python_float_repr(value.floating);
    case Kind::string: return python_repr(value.text);
    case Kind::bytes: return python_bytes_repr(value.text);
    case Kind::path: return "PosixPath(" + python_repr(value.text) + ")";
    case Kind::list: return join_repr(value.items, "[", "]", false);
    case Kind::tuple: return join_repr(value.items, "(", ")", true);
    case Kind::set:
      // A set's iteration order depends on hashing: only the trivial cases are certain.
      if (value.items.empty()) return "set()";
      if (value.items.size() == 1) return join_repr(value.items, "{", "}", false);
      return std::nullopt;
    case Kind::dict: {
      std::string out = "{";
      for (std::size_t i = 0; i < value.entries.size(); ++i) {
        if (i) out += ", ";
        const auto key = to_repr(value.entries[i].first);
        const auto item = to_repr(value.entries[i].second);
        if (!key || !item) return std::nullopt;
        out += *key + ": " + *item;
        if (out.size() > max_text_bytes) return std::nullopt;
      }
      return out + "}";
    }
    default: return std::nullopt;
  }
}

std::string step_operand(const Value& value) {
  using Kind = Value::Kind;
  switch (value.kind) {
    case Kind::string:
      if (code_point_count(value.text) <= 24) return python_repr(value.text);
      return "'...'";
    case Kind::none:
    case Kind::boolean:
    case Kind::integer:
    case Kind::floating: return *to_repr(value);
    case Kind::list:
    case Kind::tuple:
    case Kind::set:
    case Kind::dict: {
      // Short collections of literals read best as written, e.g. "in ('1', 'true', 'yes')".
      if (const auto repr = to_repr(value); repr && code_point_count(*repr) <= 48) return *repr;
      return value.kind == Kind::list ? "[...]" : value.kind == Kind::tuple ? "(...)" : "{...}";
    }
    case Kind::path: return "Path(...)";
    default: return "...";
  }
}

}  // namespace deployctl::checks::settings::eval
