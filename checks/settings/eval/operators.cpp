// Python's operators on known values: int arithmetic stays exact within 64 bits (beyond, unknown),
// sequence repetition is capped before anything is allocated, and TypeError is raised where Python raises it.
#include "checks/settings/eval/operators.hpp"

#include <cmath>

#include "checks/settings/eval/django_environ.hpp"
#include "checks/settings/eval/env_access.hpp"
#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/formatting.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/merge.hpp"
#include "checks/settings/eval/paths.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace py = python;
using Kind = Value::Kind;

namespace {

std::string_view symbol(py::BinaryOperator op) {
  switch (op) {
    case py::BinaryOperator::add: return "+";
    case py::BinaryOperator::sub: return "-";
    case py::BinaryOperator::mult: return "*";
    case py::BinaryOperator::mat_mult: return "@";
    case py::BinaryOperator::div: return "/";
    case py::BinaryOperator::mod: return "%";
    case py::BinaryOperator::pow: return "**";
    case py::BinaryOperator::lshift: return "<<";
    case py::BinaryOperator::rshift: return ">>";
    case py::BinaryOperator::bit_or: return "|";
    case py::BinaryOperator::bit_xor: return "^";
    case py::BinaryOperator::bit_and: return "&";
    case py::BinaryOperator::floor_div: return "//";
  }
  return "?";
}

std::string_view symbol(py::CompareOperator op) {
  switch (op) {
    case py::CompareOperator::eq: return "==";
    case py::CompareOperator::not_eq_: return "!=";
    case py::CompareOperator::lt: return "<";
    case py::CompareOperator::lt_e: return "<=";
    case py::CompareOperator::gt: return ">";
    case py::CompareOperator::gt_e: return ">=";
    case py::CompareOperator::is: return "is";
    case py::CompareOperator::is_not: return "is not";
    case py::CompareOperator::in: return "in";
    case py::CompareOperator::not_in: return "not in";
  }
  return "?";
}

bool is_number(const Value& v) {
  return v.kind == Kind::boolean || v.kind == Kind::integer || v.kind == Kind::floating;
}
bool is_integral(const Value& v) { return v.kind == Kind::boolean || v.kind == Kind::integer; }
std::int64_t int_of(const Value& v) { return v.kind == Kind::boolean ? (v.boolean ? 1 : 0) : v.integer; }
double float_of(const Value& v) { return v.kind == Kind::floating ? v.floating : static_cast<double>(int_of(v)); }

// The step recorded on an env-derived operand: "+ 'suffix'", "== 'true'".
std::string step_for(std::string_view op, const Value& left, const Value& right) {
  const Value& other = left.env ? right : left;
  return std::string(op) + " " + step_operand(other);
}

ValuePtr with_provenance(Frame& frame, Value result, const Value& left, const Value& right, std::string_view op) {
  if (const Value* source = env_source({&left, &right})) carry_env(result, *source, step_for(op, left, right));
  return finish(frame, std::move(result));
}

ValuePtr too_large(const Origin& origin, const Value& left, const Value& right, std::string_view op) {
  Value out = Value::unknown("too large to evaluate (over deployctl's size limits)", origin);
  if (const Value* source = env_source({&left, &right})) carry_env(out, *source, step_for(op, left, right));
  return share(std::move(out));
}

std::optional<std::int64_t> int_power(std::int64_t base, std::int64_t exponent) {
  std::int64_t result = 1;
  while (exponent > 0) {
    if (exponent & 1) {
      if (__builtin_mul_overflow(result, base, &result)) return std::nullopt;
    }
    exponent >>= 1;
    if (exponent > 0 && __builtin_mul_overflow(base, base, &base)) return std::nullopt;
  }
  return result;
}

// int op int; nullopt when the result leaves 64 bits; `error` names a Python exception to raise.
std::optional<Value> int_operation(std::int64_t a, py::BinaryOperator op, std::int64_t b,
                                   std::optional<PyException>& error) {
  std::int64_t r = 0;
  switch (op) {
    case py::BinaryOperator::add:
      if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
      return Value::from_int(r);
    case py::BinaryOperator::sub:
      if (__builtin_sub_overflow(a, b, &r)) return std::nullopt;
      return Value::from_int(r);
    case py::BinaryOperator::mult:
      if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
      return Value::from_int(r);
    case py::BinaryOperator::div:
      if (b == 0) {
        error = PyException::zero_division;
        return std::nullopt;
      }
      return Value::from_float(static_cast<double>(a) / static_cast<double>(b));
    case py::BinaryOperator::floor_div:
    case py::BinaryOperator::mod: {
      if (b == 0) {
        error = PyException::zero_division;
        return std::nullopt;
      }
      if (a == INT64_MIN && b == -1) return std::nullopt;
      std::int64_t q = a / b;
      std::int64_t m = a % b;
      if (m != 0 && ((m < 0) != (b < 0))) {
        q -= 1;
        m += b;
      }
      return Value::from_int(op == py::BinaryOperator::mod ? m : q);
    }
    case py::BinaryOperator::pow:
      if (b < 0) {
        if (a == 0) {
          error = PyException::zero_division;
          return std::nullopt;
        }
        return Value::from_float(std::pow(static_cast<double>(a), static_cast<double>(b)));
      }
      if (auto p = int_power(a, b)) return Value::from_int(*p);
      return std::nullopt;
    case py::BinaryOperator::lshift:
      if (b < 0) {
        error = PyException::value_error;
        return std::nullopt;
      }
      if (a == 0) return Value::from_int(0);
      if (b >= 63) return std::nullopt;
      r = static_cast<std::int64_t>(static_cast<std::uint64_t>(a) << b);
      if ((r >> b) != a) return std::nullopt;
      return Value::from_int(r);
    case py::BinaryOperator::rshift:
      if (b < 0) {
        error = PyException::value_error;
        return std::nullopt;
      }
      if (b >= 63) return Value::from_int(a < 0 ? -1 : 0);
      return Value::from_int(a >> b);
    case py::BinaryOperator::bit_and: return Value::from_int(a & b);
    case py::BinaryOperator::bit_or: return Value::from_int(a | b);
    case py::BinaryOperator::bit_xor: return Value::from_int(a ^ b);
    case py::BinaryOperator::mat_mult: error = PyException::type_error; return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Value> float_operation(double a, py::BinaryOperator op, double b, std::optional<PyException>& error) {
  switch (op) {
    case py::BinaryOperator::add: return Value::from_float(a + b);
    case py::BinaryOperator::sub: return Value::from_float(a - b);
    case py::BinaryOperator::mult: return Value::from_float(a * b);
    case py::BinaryOperator::div:
    case py::BinaryOperator::floor_div:
    case py::BinaryOperator::mod: {
      if (b == 0) {
        error = PyException::zero_division;
        return std::nullopt;
      }
      if (op == py::BinaryOperator::div) return Value::from_float(a / b);
      double m = std::fmod(a, b);
      if (m != 0 && ((b < 0) != (m < 0))) m += b;
      if (op == py::BinaryOperator::mod) return Value::from_float(m);
      return Value::from_float(std::floor((a - m) / b + 0.5));
    }
    case py::BinaryOperator::pow:
      if (a == 0 && b < 0) {
        error = PyException::zero_division;
        return std::nullopt;
      }
      if (a < 0 && b != std::floor(b)) return std::nullopt;  // a complex number in Python
      return Value::from_float(std::pow(a, b));
    default: error = PyException::type_error; return std::nullopt;
  }
}

// seq * n, refusing before allocating anything over the limits.
std::optional<Value> repeat(const Value& sequence, std::int64_t count, const Origin& origin, bool& over) {
  Value out;
  out.kind = sequence.kind;
  out.origin = origin;
  if (count <= 0) return out;
  const auto n = static_cast<std::uint64_t>(count);
  if (sequence.kind == Kind::string || sequence.kind == Kind::bytes) {
    if (!sequence.text.empty() && n > max_text_bytes / sequence.text.size()) {
      over = true;
      return std::nullopt;
    }
    out.text.reserve(sequence.text.size() * n);
    for (std::uint64_t i = 0; i < n; ++i) out.text += sequence.text;
    return out;
  }
  if (!sequence.items.empty() && n > max_value_nodes / sequence.items.size()) {
    over = true;
    return std::nullopt;
  }
  for (std::uint64_t i = 0; i < n; ++i) out.items.insert(out.items.end(), sequence.items.begin(), sequence.items.end());
  return out;
}

std::optional<Value> set_operation(const Value& a, py::BinaryOperator op, const Value& b, bool& unsure) {
  const auto member = [&](const Value& set, const Value& item) -> std::optional<bool> {
    bool maybe = false;
    for (const Value& element : set.items) {
      const auto same = element.equals(item);
      if (!same)
        maybe = true;
      else if (*same)
        return true;
    }
    if (maybe) return std::nullopt;
    return false;
  };
  Value out;
  out.kind = Kind::set;
  const auto add_if = [&](const Value& item, bool keep) {
    if (keep) out.items.push_back(item);
  };
  for (const Value& item : a.items) {
    const auto in_b = member(b, item);
    if (!in_b) {
      unsure = true;
      return std::nullopt;
    }
    switch (op) {
      case py::BinaryOperator::bit_or: add_if(item, true); break;
      case py::BinaryOperator::bit_and: add_if(item, *in_b); break;
      case py::BinaryOperator::sub:
      case py::BinaryOperator::bit_xor: add_if(item, !*in_b); break;
      default: return std::nullopt;
    }
  }
  if (op == py::BinaryOperator::bit_or || op == py::BinaryOperator::bit_xor) {
    for (const Value& item : b.items) {
      const auto in_a = member(a, item);
      if (!in_a) {
        unsure = true;
        return std::nullopt;
      }
      add_if(item, !*in_a);
    }
  }
  return out;
}

}  // namespace

namespace {

// `_index + 1` where `_index` is one of several known numbers (the index of an item in a list that is one of several):
// one of the several results. Only + - * of numbers, which cannot raise, and only values the settings computed (a
// value read from the environment keeps its provenance through the unknown path).
ValuePtr on_each_alternative(Frame& frame, const ValuePtr& left, py::BinaryOperator op, const ValuePtr& right,
                             const Origin& origin) {
  if (op != py::BinaryOperator::add && op != py::BinaryOperator::sub && op != py::BinaryOperator::mult) return nullptr;
  if (left->is_known() == right->is_known()) return nullptr;
  const Value& varying = left->is_known() ? *right : *left;
  const Value& fixed = left->is_known() ? *left : *right;
  if (varying.env || varying.alternatives.empty() || !is_number(fixed)) return nullptr;
  std::vector<ValuePtr> results;
  for (const Value& alternative : varying.alternatives) {
    if (!alternative.is_known() || !is_number(alternative)) return nullptr;
    const ValuePtr each = share(alternative);
    results.push_back(left->is_known() ? binary_operation(frame, left, op, each, origin)
                                       : binary_operation(frame, each, op, right, origin));
    if (!results.back()->is_known()) return nullptr;
  }
  return merge_values(results, varying.unknown_reason);
}

}  // namespace

ValuePtr binary_operation(Frame& frame, const ValuePtr& left_ptr, py::BinaryOperator op, const ValuePtr& right_ptr,
                          const Origin& origin) {
  const Value& left = *left_ptr;
  const Value& right = *right_ptr;
  const std::string_view sym = symbol(op);
  if (auto result = environ_path_binary(frame, left_ptr, op, right_ptr, origin)) return *result;
  if (op == py::BinaryOperator::div && (left.kind == Kind::path || right.kind == Kind::path))
    return path_division(frame, left_ptr, right_ptr, origin);
  if (op == py::BinaryOperator::mod && left.kind == Kind::string)
    return percent_format(frame, left_ptr, right_ptr, origin);
  if (auto each = on_each_alternative(frame, left_ptr, op, right_ptr, origin)) return each;
  if (!left.is_known() || !right.is_known()) {
    const Value& cause = left.is_known() ? right : left;
    ValuePtr out = unknown_from(cause, origin, step_for(sym, left, right));
    if (!out->env)
      if (const Value* source = env_source({&left, &right})) {
        Value copy = *out;
        carry_env(copy, *source, step_for(sym, left, right));
        out = share(std::move(copy));
      }
    return out;
  }
  const auto type_error = [&] {
    return raise_unknown(frame, PyException::type_error,
                         "unsupported operand types for " + std::string(sym) + " (TypeError)", origin);
  };
  std::optional<PyException> error;
  if (is_number(left) && is_number(right)) {
    std::optional<Value> result;
    if (left.kind == Kind::boolean && right.kind == Kind::boolean &&
        (op == py::BinaryOperator::bit_and || op == py::BinaryOperator::bit_or || op == py::BinaryOperator::bit_xor)) {
      const bool a = left.boolean;
      const bool b = right.boolean;
      result = Value::from_bool(op == py::BinaryOperator::bit_and  ? (a && b)
                                : op == py::BinaryOperator::bit_or ? (a || b)
                                                                   : (a != b));
    } else if (is_integral(left) && is_integral(right)) {
      result = int_operation(int_of(left), op, int_of(right), error);
    } else {
      result = float_operation(float_of(left), op, float_of(right), error);
    }
    if (error == PyException::zero_division)
      return raise_unknown(frame, *error, "division by zero (ZeroDivisionError)", origin);
    if (error)
      return raise_unknown(frame, *error, "an invalid operation (" + std::string(exception_name(*error)) + ")", origin);
    if (!result) return too_large(origin, left, right, sym);
    result->origin = origin;
    return with_provenance(frame, std::move(*result), left, right, sym);
  }
  const bool text_like = left.kind == Kind::string || left.kind == Kind::bytes;
  const bool sequence = left.kind == Kind::list || left.kind == Kind::tuple;
  if (op == py::BinaryOperator::add && left.kind == right.kind && (text_like || sequence)) {
    if (text_like && left.text.size() + right.text.size() > max_text_bytes) return too_large(origin, left, right, sym);
    Value out;
    out.kind = left.kind;
    out.origin = origin;
    out.text = left.text + right.text;
    out.items = left.items;
    out.items.insert(out.items.end(), right.items.begin(), right.items.end());
    return with_provenance(frame, std::move(out), left, right, sym);
  }
  if (op == py::BinaryOperator::mult) {
    const bool left_seq = text_like || sequence;
    const bool right_seq = right.kind == Kind::string || right.kind == Kind::bytes || right.kind == Kind::list ||
                           right.kind == Kind::tuple;
    if ((left_seq && is_integral(right)) || (right_seq && is_integral(left))) {
      const Value& seq = left_seq ? left : right;
      const std::int64_t count = int_of(left_seq ? right : left);
      bool over = false;
      auto out = repeat(seq, count, origin, over);
      if (!out) return too_large(origin, left, right, sym);
      return with_provenance(frame, std::move(*out), left, right, sym);
    }
  }
  if (op == py::BinaryOperator::bit_or && left.kind == Kind::dict && right.kind == Kind::dict) {
    Value out = left;
    out.origin = origin;
    out.literal = false;
    for (const auto& entry : right.entries) {
      bool replaced = false;
      for (auto& existing : out.entries) {
        const auto same = existing.first.equals(entry.first);
        if (!same) return unknown_value("a dict merge with keys the evaluator cannot compare", origin);
        if (*same) {
          existing.second = entry.second;
          replaced = true;
          break;
        }
      }
      if (!replaced) out.entries.push_back(entry);
    }
    return with_provenance(frame, std::move(out), left, right, sym);
  }
  if (left.kind == Kind::set && right.kind == Kind::set) {
    bool unsure = false;
    auto out = set_operation(left, op, right, unsure);
    if (unsure) return unknown_value("a set operation on elements the evaluator cannot compare", origin);
    if (out) {
      out->origin = origin;
      return with_provenance(frame, std::move(*out), left, right, sym);
    }
  }
  if (left.kind == Kind::object || right.kind == Kind::object)
    return unknown_value("an operator applied to a library object (not modelled)", origin);
  return type_error();
}

ValuePtr unary_operation(Frame& frame, py::UnaryOperator op, const ValuePtr& operand_ptr, const Origin& origin) {
  const Value& operand = *operand_ptr;
  const std::string_view sym = op == py::UnaryOperator::logical_not ? "not"
                               : op == py::UnaryOperator::minus     ? "-"
                               : op == py::UnaryOperator::plus      ? "+"
                                                                    : "~";
  if (op == py::UnaryOperator::invert)
    if (auto result = environ_path_invert(frame, operand_ptr, origin)) return *result;
  Value result;
  if (op == py::UnaryOperator::logical_not) {
    const auto truth = operand.truthy();
    if (!truth) return unknown_from(operand, origin, sym);
    result = Value::from_bool(!*truth, origin);
  } else {
    if (!operand.is_known()) return unknown_from(operand, origin, sym);
    if (!is_number(operand))
      return raise_unknown(frame, PyException::type_error, "bad operand type for unary " + std::string(sym), origin);
    if (operand.kind == Kind::floating) {
      if (op == py::UnaryOperator::invert)
        return raise_unknown(frame, PyException::type_error, "bad operand type for unary ~", origin);
      result = Value::from_float(op == py::UnaryOperator::minus ? -operand.floating : operand.floating, origin);
    } else {
      const std::int64_t v = int_of(operand);
      if (op == py::UnaryOperator::minus && v == INT64_MIN) return unknown_value("an integer beyond 64 bits", origin);
      result = Value::from_int(op == py::UnaryOperator::minus ? -v : op == py::UnaryOperator::plus ? v : ~v, origin);
    }
  }
  carry_env(result, operand, sym);
  return share(std::move(result));
}

std::optional<bool> contains(const Value& container, const Value& item, bool& type_error) {
  switch (container.kind) {
    case Kind::string:
    case Kind::bytes:
      if (item.kind != container.kind) {
        if (item.is_known()) type_error = true;
        return std::nullopt;
      }
      return container.text.find(item.text) != std::string::npos;
    case Kind::list:
    case Kind::tuple:
    case Kind::set:
    case Kind::dict:
    case Kind::object: {
      const auto elements = iterate(container);
      if (!elements) return std::nullopt;
      bool unsure = false;
      for (const Value& element : *elements) {
        const auto same = element.equals(item);
        if (!same)
          unsure = true;
        else if (*same)
          return true;
      }
      if (unsure) return std::nullopt;
      return false;
    }
    case Kind::unknown: return std::nullopt;
    default: type_error = true; return std::nullopt;
  }
}

namespace {

// a < b for known values; nullopt when not orderable (`type_error` set) or unknown.
std::optional<int> three_way(const Value& a, const Value& b, bool& type_error) {
  if (is_number(a) && is_number(b)) {
    if (is_integral(a) && is_integral(b)) {
      const auto x = int_of(a), y = int_of(b);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    const double x = float_of(a), y = float_of(b);
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.kind != b.kind) {
    if (a.is_known() && b.is_known() && a.kind != Kind::object && b.kind != Kind::object) type_error = true;
    return std::nullopt;
  }
  switch (a.kind) {
    case Kind::string:
    case Kind::bytes:
    case Kind::path: {
      const int c = a.text.compare(b.text);  // UTF-8 byte order is code point order
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Kind::list:
    case Kind::tuple:
      for (std::size_t i = 0; i < a.items.size() && i < b.items.size(); ++i) {
        const auto same = a.items[i].equals(b.items[i]);
        if (!same) return std::nullopt;
        if (!*same) return three_way(a.items[i], b.items[i], type_error);
      }
      return a.items.size() < b.items.size() ? -1 : (a.items.size() > b.items.size() ? 1 : 0);
    default:
      if (a.is_known() && a.kind != Kind::object) type_error = true;
      return std::nullopt;
  }
}

// `a is b`: certain only for the singletons None, True and False.
std::optional<bool> identical(const Value& a, const Value& b) {
  const auto singleton = [](const Value& v) { return v.kind == Kind::none || v.kind == Kind::boolean; };
  if (singleton(a) && b.is_known()) return a.kind == b.kind && (a.kind == Kind::none || a.boolean == b.boolean);
  if (singleton(b) && a.is_known()) return a.kind == b.kind && (b.kind == Kind::none || a.boolean == b.boolean);
  return std::nullopt;
}

}  // namespace

ValuePtr compare_values(Frame& frame, const ValuePtr& left_ptr, py::CompareOperator op, const ValuePtr& right_ptr,
                        const Origin& origin) {
  const Value& left = *left_ptr;
  const Value& right = *right_ptr;
  const std::string_view sym = symbol(op);
  if ((op == py::CompareOperator::in || op == py::CompareOperator::not_in) &&
      is_object(right, "instance", "os.environ")) {
    ValuePtr present = environ_contains(frame, left_ptr, origin);
    if (op == py::CompareOperator::in || !present->is_known()) return present;
    Value negated = *present;
    negated.boolean = !negated.boolean;
    negated.steps.push_back("not");
    return share(std::move(negated));
  }
  std::optional<bool> result;
  bool type_error = false;
  switch (op) {
    case py::CompareOperator::eq: result = left.equals(right); break;
    case py::CompareOperator::not_eq_:
      if (auto eq = left.equals(right)) result = !*eq;
      break;
    case py::CompareOperator::lt:
    case py::CompareOperator::lt_e:
    case py::CompareOperator::gt:
    case py::CompareOperator::gt_e:
      if (const auto order = three_way(left, right, type_error)) {
        result = op == py::CompareOperator::lt     ? *order < 0
                 : op == py::CompareOperator::lt_e ? *order <= 0
                 : op == py::CompareOperator::gt   ? *order > 0
                                                   : *order >= 0;
      }
      break;
    case py::CompareOperator::is: result = identical(left, right); break;
    case py::CompareOperator::is_not:
      if (auto same = identical(left, right)) result = !*same;
      break;
    case py::CompareOperator::in: result = contains(right, left, type_error); break;
    case py::CompareOperator::not_in:
      if (auto in = contains(right, left, type_error)) result = !*in;
      break;
  }
  if (type_error)
    return raise_unknown(frame, PyException::type_error,
                         "'" + std::string(sym) + "' between incompatible types (TypeError)", origin);
  if (!result) {
    const Value& cause = left.is_known() ? right : left;
    ValuePtr out = unknown_from(cause, origin, step_for(sym, left, right));
    if (!out->env)
      if (const Value* source = env_source({&left, &right})) {
        Value copy = *out;
        carry_env(copy, *source, step_for(sym, left, right));
        out = share(std::move(copy));
      }
    return out;
  }
  return with_provenance(frame, Value::from_bool(*result, origin), left, right, sym);
}

}  // namespace deployctl::checks::settings::eval
