// `container[key]` and `container[a:b:c]` with Python's indexing rules: negative indices, clamped slices,
// KeyError and IndexError raised where Python raises them.
#include <algorithm>

#include "checks/settings/eval/env_access.hpp"
#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/python_text.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace {

std::optional<std::int64_t> as_index(const Value& value) {
  if (value.kind == Value::Kind::integer) return value.integer;
  if (value.kind == Value::Kind::boolean) return value.boolean ? 1 : 0;
  return std::nullopt;
}

// Python's slice.indices(): the positions a[lower:upper:step] selects from a sequence of `length`.
std::optional<std::vector<std::size_t>> slice_positions(std::int64_t length, const Value* lower, const Value* upper,
                                                        const Value* step) {
  const auto bound = [](const Value* v) -> std::optional<std::optional<std::int64_t>> {
    if (!v || v->kind == Value::Kind::none) return std::optional<std::int64_t>{};
    if (auto index = as_index(*v)) return std::optional<std::int64_t>{*index};
    return std::nullopt;  // unknown or not an integer
  };
  const auto lo = bound(lower);
  const auto hi = bound(upper);
  const auto st = bound(step);
  if (!lo || !hi || !st) return std::nullopt;
  const std::int64_t stride = st->value_or(1);
  if (stride == 0) return std::nullopt;
  const auto clamp = [&](std::optional<std::int64_t> index, std::int64_t fallback, std::int64_t low,
                         std::int64_t high) {
    if (!index) return fallback;
    std::int64_t i = *index;
    if (i < 0) i += length;
    return std::clamp(i, low, high);
  };
  std::vector<std::size_t> out;
  if (stride > 0) {
    const std::int64_t start = clamp(*lo, 0, 0, length);
    const std::int64_t stop = clamp(*hi, length, 0, length);
    for (std::int64_t i = start; i < stop; i += stride) out.push_back(static_cast<std::size_t>(i));
  } else {
    const std::int64_t start = clamp(*lo, length - 1, -1, length - 1);
    const std::int64_t stop = clamp(*hi, -1, -1, length - 1);
    for (std::int64_t i = start; i > stop; i += stride) out.push_back(static_cast<std::size_t>(i));
  }
  return out;
}

std::string key_text(const Value& key) {
  if (key.kind == Value::Kind::string) return step_operand(key);
  return key.describe(false);
}

}  // namespace

ValuePtr subscript_value(Frame& frame, const ValuePtr& container, const ValuePtr& key, const Origin& origin) {
  using Kind = Value::Kind;
  const std::string step = "[" + step_operand(*key) + "]";
  if (is_object(*container, "instance", "os.environ")) return read_environ_item(frame, key, origin);
  if (!container->is_known()) return unknown_from(*container, origin, step);
  if (!key->is_known()) return unknown_from(*key, origin, "");
  const auto carry = [&](Value item) {
    carry_env(item, *container, step);
    return share(std::move(item));
  };
  switch (container->kind) {
    case Kind::dict: {
      bool unsure = false;
      for (const auto& [k, v] : container->entries) {
        const auto same = k.equals(*key);
        if (!same)
          unsure = true;
        else if (*same)
          return carry(v);
      }
      if (unsure) return unknown_value("a dict lookup the evaluator cannot decide", origin);
      return raise_unknown(frame, PyException::key_error, "raises KeyError: no key " + key_text(*key), origin);
    }
    case Kind::list:
    case Kind::tuple:
    case Kind::string: {
      const auto index = as_index(*key);
      if (!index) return raise_unknown(frame, PyException::type_error, "indices must be integers (TypeError)", origin);
      if (container->kind == Kind::string) {
        const auto points = code_points(container->text);
        const auto length = static_cast<std::int64_t>(points.size());
        const std::int64_t i = *index < 0 ? *index + length : *index;
        if (i < 0 || i >= length)
          return raise_unknown(frame, PyException::index_error, "string index out of range (IndexError)", origin);
        Value character = Value::from_string(std::string(points[static_cast<std::size_t>(i)]), origin);
        return carry(std::move(character));
      }
      const auto length = static_cast<std::int64_t>(container->items.size());
      const std::int64_t i = *index < 0 ? *index + length : *index;
      if (i < 0 || i >= length)
        return raise_unknown(frame, PyException::index_error, "index out of range (IndexError)", origin);
      return carry(container->items[static_cast<std::size_t>(i)]);
    }
    case Kind::object:
      if (is_object(*container, "instance", "environ.Path"))
        if (const Value* root = attribute_entry(*container, "root"))  // environ.Path delegates [] to its str()
          return subscript_value(frame, share(*root), key, origin);
      if (is_object(*container, "instance", "globals") && key->kind == Kind::string) {
        if (ValuePtr bound = frame.lookup(key->text)) return bound;
        return raise_unknown(frame, PyException::key_error, "globals() has no " + key_text(*key), origin);
      }
      return unknown_value("a subscript of " + container->text + " (not modelled)", origin);
    default:
      return raise_unknown(frame, PyException::type_error,
                           container->describe(false) + " is not subscriptable (TypeError)", origin);
  }
}

ValuePtr slice_value(Frame& frame, const ValuePtr& container, const ValuePtr& lower, const ValuePtr& upper,
                     const ValuePtr& step, const Origin& origin) {
  using Kind = Value::Kind;
  if (!container->is_known()) return unknown_from(*container, origin, "[:]");
  const bool text = container->kind == Kind::string || container->kind == Kind::bytes;
  if (!text && container->kind != Kind::list && container->kind != Kind::tuple)
    return unknown_value("a slice of " + container->describe(false), origin);
  std::vector<std::string_view> points;
  if (container->kind == Kind::string) points = code_points(container->text);
  const std::int64_t length = static_cast<std::int64_t>(
      container->kind == Kind::string
          ? points.size()
          : (container->kind == Kind::bytes ? container->text.size() : container->items.size()));
  const auto positions = slice_positions(length, lower.get(), upper.get(), step.get());
  if (!positions) return unknown_value("a slice with bounds the evaluator cannot know", origin);
  Value out;
  out.kind = container->kind;
  out.origin = origin;
  for (const std::size_t i : *positions) {
    if (container->kind == Kind::string)
      out.text.append(points[i]);
    else if (container->kind == Kind::bytes)
      out.text += container->text[i];
    else
      out.items.push_back(container->items[i]);
  }
  carry_env(out, *container,
            "[" + std::string(lower ? step_operand(*lower) : "") + ":" +
                std::string(upper ? step_operand(*upper) : "") + "]");
  return finish(frame, std::move(out));
}

}  // namespace deployctl::checks::settings::eval
