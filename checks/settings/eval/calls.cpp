// Calls: arguments are evaluated once, in Python's order; methods of data values may change the place the
// receiver came from (`INSTALLED_APPS.append(...)`); everything else goes through call_value.
#include "checks/settings/eval/calls.hpp"

#include <algorithm>
#include <array>

#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/merge.hpp"
#include "checks/settings/eval/methods.hpp"
#include "checks/settings/eval/paths.hpp"
#include "checks/settings/eval/places.hpp"
#include "checks/settings/eval/project_code.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace py = python;
using Kind = Value::Kind;

namespace {

// Methods that change their receiver in place: after one on an unknown receiver, what it held is stale.
constexpr std::array<std::string_view, 13> mutating_methods = {"append", "extend",  "insert",  "remove", "pop",
                                                               "clear",  "sort",    "reverse", "update", "setdefault",
                                                               "add",    "discard", "popitem"};

bool is_data(const Value& value) { return value.kind != Kind::object && value.kind != Kind::unknown; }

std::string type_name(const Value& value) {
  switch (value.kind) {
    case Kind::string: return "str";
    case Kind::bytes: return "bytes";
    case Kind::list: return "list";
    case Kind::tuple: return "tuple";
    case Kind::set: return "set";
    case Kind::dict: return "dict";
    case Kind::path: return "Path";
    case Kind::none: return "NoneType";
    case Kind::boolean: return "bool";
    case Kind::integer: return "int";
    case Kind::floating: return "float";
    default: return "object";
  }
}

bool is_mutating(std::string_view method) {
  return std::find(mutating_methods.begin(), mutating_methods.end(), method) != mutating_methods.end();
}

// The arguments as each path may give them: one set per possible value of the one positional argument that is one
// of several known values (`MIDDLEWARE.insert(_index + 1, ...)` after `_index = MIDDLEWARE.index(...)` on a list
// that is one of several); `args` alone when none varies. Nullopt when more than one argument varies.
std::optional<std::vector<Arguments>> argument_variants(const Arguments& args) {
  std::optional<std::size_t> varying;
  for (std::size_t i = 0; i < args.positional.size(); ++i) {
    if (args.positional[i]->is_known() || args.positional[i]->alternatives.empty()) continue;
    if (varying) return std::nullopt;
    varying = i;
  }
  if (!varying) return std::vector<Arguments>{args};
  std::vector<Arguments> variants;
  for (const Value& alternative : args.positional[*varying]->alternatives) {
    variants.push_back(args);
    variants.back().positional[*varying] = share(alternative);
  }
  return variants;
}

// A value that is one of several known ones (`if A: MIDDLEWARE.insert(0, ...)` then `if B: MIDDLEWARE.append(...)`):
// a method called on every path is called on each of them, so the result (and, for a change in place, the
// receiver) stays "one of these" instead of unknown. Nullopt when one of them is unknown, the call cannot be
// followed on it, or the combinations exceed the alternatives deployctl keeps.
std::optional<MethodResult> call_on_each_alternative(CallSite& site, const Value& receiver, std::string_view method,
                                                     bool mutating) {
  if (receiver.alternatives.empty()) return std::nullopt;
  const auto variants = argument_variants(site.args);
  if (!variants || receiver.alternatives.size() * variants->size() > max_alternatives) return std::nullopt;
  std::vector<ValuePtr> results;
  std::vector<ValuePtr> changed;
  for (const Value& alternative : receiver.alternatives) {
    if (alternative.kind != Kind::list && alternative.kind != Kind::dict && alternative.kind != Kind::set &&
        (mutating || alternative.kind != Kind::tuple))
      return std::nullopt;
    const ValuePtr each = share(alternative);
    for (const Arguments& args : *variants) {
      CallSite each_site{site.frame, site.origin, type_name(alternative) + "." + std::string(method), each, args};
      auto result = call_collection_method(each_site, each, method);
      if (!result || !result->result) return std::nullopt;
      if (mutating && (!result->mutated || !result->mutated->is_known())) return std::nullopt;
      if (!mutating && !result->result->is_known()) return std::nullopt;
      results.push_back(result->result);
      if (mutating) changed.push_back(result->mutated);
    }
  }
  return MethodResult{merge_values(results, receiver.unknown_reason),
                      mutating ? merge_values(changed, receiver.unknown_reason) : nullptr};
}

ValuePtr call_method_of_data(Frame& frame, const ValuePtr& receiver, const py::Attribute& attribute,
                             const py::Call& call, const Origin& origin, const std::optional<Place>& place) {
  CallSite site{frame, origin, type_name(*receiver) + "." + attribute.attr, receiver, evaluate_arguments(frame, call)};
  std::optional<MethodResult> result;
  switch (receiver->kind) {
    case Kind::string:
    case Kind::bytes: result = call_string_method(site, receiver, attribute.attr); break;
    case Kind::list:
    case Kind::tuple:
    case Kind::set:
    case Kind::dict: result = call_collection_method(site, receiver, attribute.attr); break;
    case Kind::path:
      if (auto value = call_path_method(site, receiver, attribute.attr)) result = MethodResult{*value, nullptr};
      break;
    case Kind::none:
      return raise_unknown(frame, PyException::attribute_error,
                           "None has no method " + attribute.attr + "() (AttributeError)", origin);
    default: break;
  }
  if (!result) {
    Value out = Value::unknown(site.qualname + "() is not modelled by deployctl", origin);
    carry_env(out, *receiver, "." + attribute.attr + "()");
    if (place && is_mutating(attribute.attr))
      write_place(frame, *place,
                  unknown_value(site.qualname + "() changed it in a way deployctl does not model", origin), true,
                  origin);
    return share(std::move(out));
  }
  if (result->mutated && place) write_place(frame, *place, result->mutated, true, origin);
  return result->result;
}

}  // namespace

ValuePtr Arguments::keyword(std::string_view name) const {
  for (const auto& [key, value] : keywords)
    if (key == name) return value;
  return nullptr;
}

ValuePtr Arguments::get(std::size_t index, std::string_view name) const {
  if (index < positional.size()) return positional[index];
  return name.empty() ? nullptr : keyword(name);
}

Arguments evaluate_arguments(Frame& frame, const py::Call& call) {
  Arguments args;
  for (const py::ExprPtr& arg : call.args) {
    if (const auto* starred = py::as<py::Starred>(arg)) {
      const ValuePtr iterable = evaluate(frame, starred->value);
      if (auto items = iterate(*iterable)) {
        for (Value& item : *items) args.positional.push_back(share(std::move(item)));
      } else {
        args.unexpanded = true;
      }
      continue;
    }
    args.positional.push_back(evaluate(frame, arg));
  }
  for (const py::Keyword& keyword : call.keywords) {
    const ValuePtr value = evaluate(frame, keyword.value);
    if (keyword.arg) {
      args.keywords.emplace_back(*keyword.arg, value);
      continue;
    }
    if (value->kind != Kind::dict) {
      args.unexpanded = true;
      continue;
    }
    for (const auto& [key, item] : value->entries) {
      if (key.kind != Kind::string) {
        args.unexpanded = true;
        continue;
      }
      args.keywords.emplace_back(key.text, share(item));
    }
  }
  return args;
}

ValuePtr evaluate_call(Frame& frame, const py::Call& call, const Origin& origin) {
  if (const auto* attribute = py::as<py::Attribute>(call.func)) {
    const Origin receiver_origin = frame.origin(attribute->value->position);
    std::optional<Place> place;
    if (py::as<py::Name>(attribute->value) || py::as<py::Subscript>(attribute->value))
      place = resolve_place(frame, attribute->value);
    const ValuePtr receiver = place ? read_place(frame, *place, receiver_origin) : evaluate(frame, attribute->value);
    if (is_data(*receiver)) return call_method_of_data(frame, receiver, *attribute, call, origin, place);
    // A value read from the environment keeps its provenance through unknown_from below: only values the settings
    // built are followed path by path.
    if (receiver->kind == Kind::unknown && receiver->text.empty() && !receiver->env && !is_mutating(attribute->attr)) {
      CallSite site{frame, origin, "list." + attribute->attr, receiver, evaluate_arguments(frame, call)};
      if (auto each = call_on_each_alternative(site, *receiver, attribute->attr, false)) return each->result;
    }
    if (receiver->kind == Kind::unknown && receiver->text.empty() && place && is_mutating(attribute->attr)) {
      CallSite site{frame, origin, "list." + attribute->attr, receiver, evaluate_arguments(frame, call)};
      if (auto each = call_on_each_alternative(site, *receiver, attribute->attr, true)) {
        write_place(frame, *place, each->mutated, true, origin);
        return each->result;
      }
      // An unknown container changed in place: whatever alternatives it had no longer hold.
      Value stale = Value::unknown(receiver->unknown_reason, receiver->origin);
      stale.env = receiver->env;
      stale.steps = receiver->steps;
      write_place(frame, *place, share(std::move(stale)), true, origin);
      return unknown_from(*receiver, origin, "." + attribute->attr + "()");
    }
    const ValuePtr callee = member_of(frame, receiver, attribute->attr, frame.origin(call.func->position));
    return call_value(frame, callee, evaluate_arguments(frame, call), origin);
  }
  const ValuePtr callee = evaluate(frame, call.func);
  return call_value(frame, callee, evaluate_arguments(frame, call), origin);
}

ValuePtr call_value(Frame& frame, const ValuePtr& callee, Arguments args, const Origin& origin) {
  const std::string_view category = object_category(*callee);
  CallSite site{frame, origin, {}, nullptr, std::move(args)};
  if (category == "function" || category == "class") {
    site.qualname = std::string(object_name(*callee));
  } else if (category == "method") {
    site.qualname = std::string(object_name(*callee));
    if (!callee->items.empty()) site.receiver = share(callee->items.front());
  } else if (category == "instance") {
    site.qualname = std::string(object_name(*callee)) + ".__call__";
    site.receiver = callee;
  } else if (callee->kind == Kind::unknown) {
    if (!callee->text.empty()) {
      site.qualname = callee->text;
      return unmodelled_call(site);
    }
    return unknown_from(*callee, origin, "()");
  } else if (category == "module") {
    return raise_unknown(frame, PyException::type_error, "a module is not callable (TypeError)", origin);
  } else {
    return raise_unknown(frame, PyException::type_error, callee->describe(false) + " is not callable (TypeError)",
                         origin);
  }
  if (const ProjectDefinition* definition = project_definition(frame, *callee); definition && definition->function)
    return call_project_function(frame, *definition, std::move(site.args), origin);
  if (const CallHandler handler = find_handler(site.qualname)) return handler(site);
  return unmodelled_call(site);
}

ValuePtr unmodelled_call(const CallSite& site) {
  // Code we do not model may raise anything, and with the globals in hand may bind any name.
  site.frame.may_raise_anything();
  const auto is_globals = [](const ValuePtr& arg) { return arg && is_object(*arg, "instance", "globals"); };
  bool gets_globals = std::any_of(site.args.positional.begin(), site.args.positional.end(), is_globals);
  for (const auto& keyword : site.args.keywords) gets_globals = gets_globals || is_globals(keyword.second);
  if (gets_globals)
    unknown_globals_write(site.frame, site.qualname + "(), which gets globals(), at " + site.origin.file + ":" +
                                          std::to_string(site.origin.position.line));
  Value out = Value::unknown(site.qualname + "() is not modelled by deployctl", site.origin);
  out.producer = site.qualname;
  // The result may well depend on an environment variable passed in: keep that visible.
  const std::string step = site.qualname + "()";
  for (const ValuePtr& arg : site.args.positional)
    if (arg && arg->env) {
      carry_env(out, *arg, step);
      break;
    }
  if (!out.env)
    for (const auto& [name, arg] : site.args.keywords)
      if (arg && arg->env) {
        carry_env(out, *arg, step);
        break;
      }
  return share(std::move(out));
}

}  // namespace deployctl::checks::settings::eval
