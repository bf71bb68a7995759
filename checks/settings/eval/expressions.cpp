// The expression evaluator's dispatch: literals, names, displays, boolean logic, conditionals and
// comparisons here; operators, calls, subscripts, formatting and comprehensions in their own files.
#include "checks/settings/eval/expressions.hpp"

#include <variant>

#include "checks/settings/eval/calls.hpp"
#include "checks/settings/eval/comprehensions.hpp"
#include "checks/settings/eval/formatting.hpp"
#include "checks/settings/eval/imports.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/merge.hpp"
#include "checks/settings/eval/operators.hpp"
#include "checks/settings/eval/paths.hpp"
#include "checks/settings/eval/places.hpp"
#include "checks/settings/eval/project_code.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace py = python;

namespace {

std::string where(const Origin& origin) { return origin.file + ":" + std::to_string(origin.position.line); }

// Inserts into a dict value with Python's semantics (an equal key keeps its place, takes the new value).
// False when a key's equality cannot be decided.
bool dict_insert(Value& dict, Value key, Value item) {
  for (auto& entry : dict.entries) {
    const auto same = entry.first.equals(key);
    if (!same) return false;
    if (*same) {
      entry.second = std::move(item);
      return true;
    }
  }
  dict.entries.emplace_back(std::move(key), std::move(item));
  return true;
}

struct ExpressionVisitor {
  Frame& frame;
  const Origin& origin;

  ValuePtr operator()(const py::Constant& constant) const {
    Value value = std::visit(
        [&](const auto& c) -> Value {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, py::NoneLiteral>)
            return Value::none(origin);
          else if constexpr (std::is_same_v<T, bool>)
            return Value::from_bool(c, origin);
          else if constexpr (std::is_same_v<T, std::int64_t>)
            return Value::from_int(c, origin);
          else if constexpr (std::is_same_v<T, py::BigInt>)
            return Value::unknown("an integer literal beyond 64 bits", origin);
          else if constexpr (std::is_same_v<T, double>)
            return Value::from_float(c, origin);
          else if constexpr (std::is_same_v<T, std::string>)
            return Value::from_string(c, origin);
          else if constexpr (std::is_same_v<T, py::Bytes>) {
            Value bytes;
            bytes.kind = Value::Kind::bytes;
            bytes.text = c.data;
            bytes.origin = origin;
            return bytes;
          } else
            return make_object("instance", "ellipsis", origin);
        },
        constant.value);
    value.literal = true;
    return share(std::move(value));
  }

  ValuePtr operator()(const py::Name& name) const {
    if (ValuePtr bound = frame.lookup(name.id)) return bound;
    if (ValuePtr builtin = builtin_value(name.id, origin)) return builtin;
    if (!frame.module.complete)
      return unknown_value("'" + name.id + "' is not bound here; it may be bound by " + frame.module.incomplete_because,
                           origin);
    return unknown_value("'" + name.id + "' is not defined (NameError)", origin);
  }

  ValuePtr operator()(const py::Attribute& attribute) const {
    return member_of(frame, evaluate(frame, attribute.value), attribute.attr, origin);
  }

  ValuePtr operator()(const py::Subscript& subscript) const {
    const ValuePtr container = evaluate(frame, subscript.value);
    if (const auto* slice = py::as<py::Slice>(subscript.slice)) {
      const auto bound = [&](const py::ExprPtr& e) { return e ? evaluate(frame, e) : ValuePtr{}; };
      return slice_value(frame, container, bound(slice->lower), bound(slice->upper), bound(slice->step), origin);
    }
    return subscript_value(frame, container, evaluate(frame, subscript.slice), origin);
  }

  ValuePtr operator()(const py::Slice&) const { return unknown_value("a slice outside a subscript", origin); }

  ValuePtr operator()(const py::Call& call) const { return evaluate_call(frame, call, origin); }

  ValuePtr operator()(const py::BinOp& binop) const {
    const ValuePtr left = evaluate(frame, binop.left);
    const ValuePtr right = evaluate(frame, binop.right);
    return binary_operation(frame, left, binop.op, right, origin);
  }

  ValuePtr operator()(const py::UnaryOp& unary) const {
    const ValuePtr operand = evaluate(frame, unary.operand);
    ValuePtr result = unary_operation(frame, unary.op, operand, origin);
    // -1 and +2.5 are written as literals even though the ast has an operator in them.
    const bool sign = unary.op == py::UnaryOperator::minus || unary.op == py::UnaryOperator::plus;
    if (sign && operand->literal && result->is_known() && !operand->env) {
      Value copy = *result;
      copy.literal = true;
      return share(std::move(copy));
    }
    return result;
  }

  ValuePtr operator()(const py::BoolOp& boolop) const {
    const bool is_and = boolop.op == py::BoolOperator::logical_and;
    std::vector<ValuePtr> undecided;  // operands whose truth we could not tell: each may be the result
    ValuePtr decided_by;  // an env-derived operand whose truth chose the result (owned: operands are loop-local)
    ValuePtr result;
    for (std::size_t i = 0; i < boolop.values.size(); ++i) {
      ValuePtr operand = evaluate(frame, boolop.values[i]);
      const bool last = i + 1 == boolop.values.size();
      const auto truth = operand->truthy();
      if (last) {
        result = operand;
        break;
      }
      if (!truth) {
        undecided.push_back(operand);
        continue;
      }
      // `and` stops at the first false operand, `or` at the first true one.
      if (*truth != is_and) {
        result = operand;
        break;
      }
      if (!decided_by && operand->env) decided_by = operand;
    }
    if (decided_by && !result->env) {
      Value copy = *result;
      carry_env(copy, *decided_by, std::string(is_and ? "and " : "or ") + step_operand(*result));
      result = share(std::move(copy));
    }
    if (undecided.empty()) return result;
    undecided.push_back(result);
    return merge_values(undecided, std::string("depends on the truth of an unknown operand of `") +
                                       (is_and ? "and" : "or") + "` at " + where(origin));
  }

  ValuePtr operator()(const py::Compare& compare) const {
    ValuePtr left = evaluate(frame, compare.left);
    ValuePtr unknown_link;
    ValuePtr last_result;
    for (std::size_t i = 0; i < compare.ops.size() && i < compare.comparators.size(); ++i) {
      ValuePtr right = evaluate(frame, compare.comparators[i]);
      ValuePtr link = compare_values(frame, left, compare.ops[i], right, origin);
      if (link->is_known() && link->is_false()) return link;  // False whatever the other links give
      if (!link->is_known() && !unknown_link) unknown_link = link;
      last_result = link;
      left = right;
    }
    if (unknown_link) return unknown_link;
    return last_result ? last_result : unknown_value("an empty comparison", origin);
  }

  ValuePtr operator()(const py::IfExp& ifexp) const {
    const ValuePtr test = evaluate(frame, ifexp.test);
    if (const auto truth = test->truthy()) {
      const ValuePtr chosen = evaluate(frame, *truth ? ifexp.body : ifexp.orelse);
      if (!test->env || chosen->env || chosen->kind == Value::Kind::object) return chosen;
      // Chosen by the environment, as an `if` statement's assignments are: a deploy may take the other branch.
      Value copy = *chosen;
      carry_env(copy, *test, "chosen by `... if ... else ...` at " + where(origin));
      return share(std::move(copy));
    }
    ++frame.uncertainty;
    const ValuePtr body = evaluate(frame, ifexp.body);
    const ValuePtr orelse = evaluate(frame, ifexp.orelse);
    --frame.uncertainty;
    ValuePtr merged = merge_values({body, orelse}, "depends on the condition at " + where(origin));
    if (test->env && !merged->env) {
      Value copy = *merged;
      carry_env(copy, *test, "if ... else ...");
      merged = share(std::move(copy));
    }
    return merged;
  }

  // Elements of a display, `*iterable` expanded; nullopt (with `cause`) when an expansion is unknown.
  std::optional<std::vector<Value>> elements(const std::vector<py::ExprPtr>& elts, bool& literal,
                                             ValuePtr& cause) const {
    std::vector<Value> out;
    for (const py::ExprPtr& elt : elts) {
      if (const auto* starred = py::as<py::Starred>(elt)) {
        const ValuePtr iterable = evaluate(frame, starred->value);
        auto items = iterate(*iterable);
        literal = false;
        if (!items) {
          cause = iterable;
          return std::nullopt;
        }
        for (Value& item : *items) out.push_back(std::move(item));
        continue;
      }
      const ValuePtr item = evaluate(frame, elt);
      literal = literal && item->literal;
      out.push_back(*item);
      if (out.size() > max_value_nodes) {
        cause = unknown_value("too many elements", origin);
        return std::nullopt;
      }
    }
    return out;
  }

  ValuePtr display(Value::Kind kind, const std::vector<py::ExprPtr>& elts) const {
    bool literal = true;
    ValuePtr cause;
    auto items = elements(elts, literal, cause);
    if (!items) return unknown_from(*cause, origin, "");
    Value value;
    value.kind = kind;
    value.origin = origin;
    if (kind == Value::Kind::set) {
      for (Value& item : *items) {
        bool duplicate = false;
        for (const Value& kept : value.items)
          if (kept.equals(item).value_or(false)) duplicate = true;
        if (!duplicate) value.items.push_back(std::move(item));
      }
    } else {
      value.items = std::move(*items);
    }
    value.literal = literal;
    return finish(frame, std::move(value));
  }

  ValuePtr operator()(const py::ListExpr& list) const { return display(Value::Kind::list, list.elts); }
  ValuePtr operator()(const py::TupleExpr& tuple) const { return display(Value::Kind::tuple, tuple.elts); }
  ValuePtr operator()(const py::SetExpr& set) const { return display(Value::Kind::set, set.elts); }

  ValuePtr operator()(const py::DictExpr& dict) const {
    Value value = Value::dict({}, origin);
    bool literal = true;
    for (std::size_t i = 0; i < dict.keys.size() && i < dict.values.size(); ++i) {
      if (!dict.keys[i]) {  // **mapping
        literal = false;
        const ValuePtr mapping = evaluate(frame, dict.values[i]);
        if (mapping->kind != Value::Kind::dict) return unknown_from(*mapping, origin, "");
        for (const auto& [k, v] : mapping->entries)
          if (!dict_insert(value, k, v)) return unknown_value("a dict whose keys cannot be compared", origin);
        continue;
      }
      const ValuePtr key = evaluate(frame, dict.keys[i]);
      const ValuePtr item = evaluate(frame, dict.values[i]);
      literal = literal && key->literal && item->literal;
      if (!key->is_known()) return unknown_value("a dict with a key the evaluator cannot know", origin);
      if (!dict_insert(value, *key, *item)) return unknown_value("a dict whose keys cannot be compared", origin);
    }
    value.literal = literal;
    return finish(frame, std::move(value));
  }

  ValuePtr operator()(const py::FormattedValue&) const {
    return unknown_value("a formatted value outside an f-string", origin);
  }
  ValuePtr operator()(const py::JoinedStr& joined) const { return evaluate_joined_str(frame, joined, origin); }
  ValuePtr operator()(const py::Comp& comp) const { return evaluate_comprehension(frame, comp, origin); }
  ValuePtr operator()(const py::DictComp& comp) const { return evaluate_dict_comprehension(frame, comp, origin); }
  ValuePtr operator()(const py::Starred&) const { return unknown_value("a starred expression", origin); }

  ValuePtr operator()(const py::NamedExpr& named) const {
    const ValuePtr value = evaluate(frame, named.value);
    assign_target(frame, named.target, value);
    return value;
  }

  ValuePtr operator()(const py::Lambda&) const { return share(make_object("function", "<lambda>", origin)); }

  ValuePtr operator()(const py::OtherExpr& other) const {
    return unknown_value("`" + other.type_name + "` expressions are not evaluated", origin);
  }
};

}  // namespace

ValuePtr evaluate(Frame& frame, const py::ExprPtr& expr) {
  if (!expr) return unknown_value("a missing expression", Origin{frame.file, {}});
  const Origin origin = frame.origin(expr->position);
  if (frame.raised) return unknown_value("not reached: an exception was raised before", origin);
  if (frame.run.exhausted())
    return unknown_value("not evaluated: the settings exceed deployctl's evaluation budget", origin);
  if (frame.depth >= max_expression_depth) return unknown_value("an expression nested too deeply", origin);
  ++frame.depth;
  ++frame.run.work;
  ValuePtr result = std::visit(ExpressionVisitor{frame, origin}, expr->node);
  --frame.depth;
  return result;
}

ValuePtr raise_unknown(Frame& frame, PyException type, std::string reason, const Origin& origin) {
  frame.raise(type);
  return unknown_value(std::move(reason), origin);
}

ValuePtr member_of(Frame& frame, const ValuePtr& value, std::string_view attr, const Origin& origin) {
  using Kind = Value::Kind;
  switch (value->kind) {
    case Kind::object:
      if (is_project_module(frame.run, *value)) return project_member(frame, *value, attr, origin);
      if (const ProjectDefinition* definition = project_definition(frame, *value); definition && definition->cls) {
        if (ValuePtr attribute = class_attribute(*definition, attr, origin)) return attribute;
        return raise_unknown(
            frame, PyException::attribute_error,
            "class " + definition->qualname + " has no attribute '" + std::string(attr) + "' (AttributeError)", origin);
      }
      return library_member(frame, value, attr, origin);
    case Kind::path:
      if (auto result = path_attribute(frame, value, attr, origin)) return *result;
      return unknown_value("Path." + std::string(attr) + " is not modelled", origin);
    case Kind::unknown: {
      if (!value->text.empty()) {
        // An unmodelled library object: keep its qualified name so that calling it names the producer.
        Value out = Value::unknown(value->unknown_reason, origin);
        out.text = value->text + "." + std::string(attr);
        return share(std::move(out));
      }
      if (!value->producer.empty() && value->alternatives.empty()) {
        // The result of an unmodelled call (`random.SystemRandom()`): its methods keep the producer's name.
        Value out = Value::unknown(value->unknown_reason, origin);
        out.text = value->producer + "." + std::string(attr);
        return share(std::move(out));
      }
      return unknown_from(*value, origin, "." + std::string(attr));
    }
    case Kind::none:
      return raise_unknown(frame, PyException::attribute_error,
                           "None has no attribute '" + std::string(attr) + "' (AttributeError)", origin);
    default: return unknown_value("a method of " + value->describe(false) + " used without calling it", origin);
  }
}

}  // namespace deployctl::checks::settings::eval
