// Python builtins settings use: conversions (bool/int/str/float/list/tuple/set/dict), len, sorted, min/max,
// any/all, isinstance, range/enumerate/zip, and globals()/vars() for the names they write.
#include <algorithm>
#include <cmath>

#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/merge.hpp"
#include "checks/settings/eval/methods.hpp"
#include "checks/settings/eval/operators.hpp"
#include "checks/settings/eval/project_code.hpp"
#include "checks/settings/eval/python_text.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace {

using Kind = Value::Kind;

ValuePtr first_arg(const CallSite& site) { return site.args.get(0, ""); }

// The result of a conversion `name(x)`: provenance follows x.
ValuePtr converted(CallSite& site, Value result, const Value& source, std::string_view name) {
  result.origin = site.origin;
  carry_env(result, source, std::string(name) + "()");
  return finish(site.frame, std::move(result));
}

ValuePtr unknown_argument(const CallSite& site, const Value& argument, std::string_view name) {
  return unknown_from(argument, site.origin, std::string(name) + "()");
}

ValuePtr builtin_bool(CallSite& site) {
  const ValuePtr x = first_arg(site);
  if (!x) return share(Value::from_bool(false, site.origin));
  const auto truth = x->truthy();
  if (!truth) {
    // Still a bool: one of the two, so a rule asking about its type (a string where a bool belongs) can decide.
    Value out = *unknown_argument(site, *x, "bool");
    out.alternatives = {Value::from_bool(false, site.origin), Value::from_bool(true, site.origin)};
    return share(std::move(out));
  }
  return converted(site, Value::from_bool(*truth), *x, "bool");
}

ValuePtr builtin_int(CallSite& site) {
  const ValuePtr x = first_arg(site);
  if (!x) return share(Value::from_int(0, site.origin));
  const ValuePtr base = site.args.get(1, "base");
  if (base && !(base->kind == Kind::integer && base->integer == 10))
    return unknown_value("int() with a base", site.origin);
  switch (x->kind) {
    case Kind::boolean: return converted(site, Value::from_int(x->boolean ? 1 : 0), *x, "int");
    case Kind::integer: return converted(site, Value::from_int(x->integer), *x, "int");
    case Kind::floating:
      if (!std::isfinite(x->floating) || std::fabs(x->floating) >= 9.2e18)
        return unknown_value("int() of a float beyond 64 bits", site.origin);
      return converted(site, Value::from_int(static_cast<std::int64_t>(x->floating)), *x, "int");
    case Kind::string: {
      const ParsedInt parsed = python_int_from_text(x->text);
      if (parsed.status == ParsedInt::Status::ok) return converted(site, Value::from_int(parsed.value), *x, "int");
      if (parsed.status == ParsedInt::Status::too_large) return unknown_value("an integer beyond 64 bits", site.origin);
      Value out =
          Value::unknown("int() raises ValueError on " + x->describe(false) + " (not a base-10 integer)", site.origin);
      carry_env(out, *x, "int()");
      site.frame.raise(PyException::value_error);
      return share(std::move(out));
    }
    case Kind::unknown: return unknown_argument(site, *x, "int");
    default: return raise_unknown(site.frame, PyException::type_error, "int() of " + x->describe(false), site.origin);
  }
}

ValuePtr builtin_float(CallSite& site) {
  const ValuePtr x = first_arg(site);
  if (!x) return share(Value::from_float(0, site.origin));
  switch (x->kind) {
    case Kind::boolean:
    case Kind::integer:
      return converted(site, Value::from_float(static_cast<double>(x->kind == Kind::boolean ? x->boolean : x->integer)),
                       *x, "float");
    case Kind::floating: return converted(site, Value::from_float(x->floating), *x, "float");
    case Kind::string:
      if (auto parsed = python_float_from_text(x->text))
        return converted(site, Value::from_float(*parsed), *x, "float");
      return raise_unknown(site.frame, PyException::value_error, "float() raises ValueError on this text", site.origin);
    case Kind::unknown: return unknown_argument(site, *x, "float");
    default: return raise_unknown(site.frame, PyException::type_error, "float() of " + x->describe(false), site.origin);
  }
}

ValuePtr builtin_str(CallSite& site) {
  const ValuePtr x = first_arg(site);
  if (!x) return share(Value::from_string("", site.origin));
  if (is_object(*x, "instance", "environ.Path"))
    if (const Value* root = attribute_entry(*x, "root")) return converted(site, *root, *x, "str");
  if (x->kind == Kind::bytes) return unknown_value("str() of bytes", site.origin);
  const auto text = to_str(*x);
  if (!text) return unknown_argument(site, *x, "str");
  Value out = Value::from_string(*text);
  out.literal = x->kind == Kind::string && x->literal;
  return converted(site, std::move(out), *x, "str");
}

ValuePtr make_sequence(CallSite& site, Kind kind, std::string_view name) {
  const ValuePtr x = first_arg(site);
  Value out;
  out.kind = kind;
  if (!x) return converted(site, std::move(out), Value{}, name);
  auto items = iterate(*x);
  if (!items) {
    if (x->is_known() && x->kind != Kind::object)
      return raise_unknown(site.frame, PyException::type_error, x->describe(false) + " is not iterable", site.origin);
    return unknown_argument(site, *x, name);
  }
  for (Value& item : *items) {
    if (kind == Kind::set) {
      bool duplicate = false;
      for (const Value& kept : out.items) duplicate = duplicate || kept.equals(item).value_or(false);
      if (duplicate) continue;
    }
    out.items.push_back(std::move(item));
  }
  return converted(site, std::move(out), *x, name);
}

ValuePtr builtin_list(CallSite& site) { return make_sequence(site, Kind::list, "list"); }
ValuePtr builtin_tuple(CallSite& site) { return make_sequence(site, Kind::tuple, "tuple"); }
ValuePtr builtin_set(CallSite& site) { return make_sequence(site, Kind::set, "set"); }

ValuePtr builtin_dict(CallSite& site) {
  Value out = Value::dict({}, site.origin);
  const auto insert = [&](Value key, Value item) -> bool {
    for (auto& entry : out.entries) {
      const auto same = entry.first.equals(key);
      if (!same) return false;
      if (*same) {
        entry.second = std::move(item);
        return true;
      }
    }
    out.entries.emplace_back(std::move(key), std::move(item));
    return true;
  };
  if (site.args.unexpanded) return unknown_value("dict() of arguments the evaluator cannot expand", site.origin);
  if (const ValuePtr source = first_arg(site)) {
    if (source->kind == Kind::dict) {
      out.entries = source->entries;
    } else if (auto items = iterate(*source)) {
      for (Value& pair : *items) {
        if ((pair.kind != Kind::tuple && pair.kind != Kind::list) || pair.items.size() != 2)
          return raise_unknown(site.frame, PyException::value_error, "dict() of items that are not pairs", site.origin);
        if (!insert(pair.items[0], pair.items[1])) return unknown_value("dict() with uncomparable keys", site.origin);
      }
    } else {
      return unknown_argument(site, *source, "dict");
    }
  }
  for (const auto& [name, value] : site.args.keywords)
    if (!insert(Value::from_string(name, site.origin), *value))
      return unknown_value("dict() with uncomparable keys", site.origin);
  const ValuePtr source = first_arg(site);
  return converted(site, std::move(out), source ? *source : Value{}, "dict");
}

ValuePtr builtin_len(CallSite& site) {
  const ValuePtr x = first_arg(site);
  if (!x) return raise_unknown(site.frame, PyException::type_error, "len() without an argument", site.origin);
  std::int64_t length = 0;
  switch (x->kind) {
    case Kind::string: length = static_cast<std::int64_t>(code_point_count(x->text)); break;
    case Kind::bytes: length = static_cast<std::int64_t>(x->text.size()); break;
    case Kind::list:
    case Kind::tuple:
    case Kind::set: length = static_cast<std::int64_t>(x->items.size()); break;
    case Kind::dict: length = static_cast<std::int64_t>(x->entries.size()); break;
    case Kind::unknown: return unknown_argument(site, *x, "len");
    case Kind::object:
      if (x->text == "instance range") {
        length = static_cast<std::int64_t>(x->items.size());
        break;
      }
      return unknown_value("len() of " + x->text, site.origin);
    default: return raise_unknown(site.frame, PyException::type_error, "len() of " + x->describe(false), site.origin);
  }
  return converted(site, Value::from_int(length), *x, "len");
}

// Orders known numbers or known strings as Python would; nullopt for anything else.
std::optional<std::vector<Value>> sorted_values(std::vector<Value> items) {
  const bool numbers = std::all_of(items.begin(), items.end(), [](const Value& v) {
    return v.kind == Kind::integer || v.kind == Kind::boolean || v.kind == Kind::floating;
  });
  const bool strings = std::all_of(items.begin(), items.end(), [](const Value& v) { return v.kind == Kind::string; });
  if (!numbers && !strings) return std::nullopt;
  const auto number = [](const Value& v) {
    return v.kind == Kind::floating ? v.floating : static_cast<double>(v.kind == Kind::boolean ? v.boolean : v.integer);
  };
  std::stable_sort(items.begin(), items.end(),
                   [&](const Value& a, const Value& b) { return numbers ? number(a) < number(b) : a.text < b.text; });
  return items;
}

ValuePtr builtin_sorted(CallSite& site) {
  const ValuePtr x = first_arg(site);
  const ValuePtr key = site.args.keyword("key");
  const ValuePtr reverse = site.args.keyword("reverse");
  if (!x || (key && key->kind != Kind::none)) return unknown_value("sorted() with a key function", site.origin);
  auto items = iterate(*x);
  if (!items) return unknown_argument(site, *x, "sorted");
  auto ordered = sorted_values(std::move(*items));
  if (!ordered) return unknown_value("sorted() of values the evaluator cannot order", site.origin);
  if (reverse) {
    const auto truth = reverse->truthy();
    if (!truth) return unknown_value("sorted() with an unknown reverse flag", site.origin);
    if (*truth) std::reverse(ordered->begin(), ordered->end());
  }
  return converted(site, Value::list(std::move(*ordered)), *x, "sorted");
}

ValuePtr builtin_reversed(CallSite& site) {
  const ValuePtr x = first_arg(site);
  if (!x || (x->kind != Kind::list && x->kind != Kind::tuple && x->kind != Kind::string))
    return unknown_value("reversed() of a value the evaluator cannot walk backwards", site.origin);
  auto items = iterate(*x);
  if (!items) return unknown_argument(site, *x, "reversed");
  std::reverse(items->begin(), items->end());
  Value out = make_object("instance", "generator", site.origin);
  out.items = std::move(*items);
  return finish(site.frame, std::move(out));
}

ValuePtr min_max(CallSite& site, bool want_max) {
  std::vector<Value> items;
  if (site.args.positional.size() == 1) {
    auto walked = iterate(*site.args.positional.front());
    if (!walked) return unknown_argument(site, *site.args.positional.front(), want_max ? "max" : "min");
    items = std::move(*walked);
  } else {
    for (const ValuePtr& arg : site.args.positional) items.push_back(*arg);
  }
  if (site.args.keyword("key")) return unknown_value("min()/max() with a key function", site.origin);
  if (items.empty()) {
    if (const ValuePtr fallback = site.args.keyword("default")) return fallback;
    return raise_unknown(site.frame, PyException::value_error, "min()/max() of an empty sequence", site.origin);
  }
  auto ordered = sorted_values(std::move(items));
  if (!ordered) return unknown_value("min()/max() of values the evaluator cannot order", site.origin);
  // Python keeps the first of equal candidates; stable_sort kept source order.
  Value pick = want_max ? ordered->back() : ordered->front();
  if (want_max)
    for (auto it = ordered->rbegin(); it != ordered->rend() && it->equals(ordered->back()).value_or(false); ++it)
      pick = *it;
  return share(std::move(pick));
}

ValuePtr builtin_min(CallSite& site) { return min_max(site, false); }
ValuePtr builtin_max(CallSite& site) { return min_max(site, true); }

ValuePtr builtin_sum(CallSite& site) {
  const ValuePtr x = first_arg(site);
  if (!x) return unknown_value("sum() without arguments", site.origin);
  auto items = iterate(*x);
  if (!items) return unknown_argument(site, *x, "sum");
  ValuePtr total = site.args.get(1, "start");
  if (!total) total = share(Value::from_int(0, site.origin));
  for (Value& item : *items)
    total = binary_operation(site.frame, total, python::BinaryOperator::add, share(item), site.origin);
  return total;
}

ValuePtr any_all(CallSite& site, bool want_all) {
  const ValuePtr x = first_arg(site);
  if (!x) return unknown_value("any()/all() without arguments", site.origin);
  auto items = iterate(*x);
  if (!items) return unknown_argument(site, *x, want_all ? "all" : "any");
  bool unsure = false;
  for (const Value& item : *items) {
    const auto truth = item.truthy();
    if (!truth)
      unsure = true;
    else if (*truth != want_all)
      return converted(site, Value::from_bool(!want_all), *x, want_all ? "all" : "any");
  }
  if (unsure) return unknown_value("any()/all() over values of unknown truth", site.origin);
  return converted(site, Value::from_bool(want_all), *x, want_all ? "all" : "any");
}

ValuePtr builtin_any(CallSite& site) { return any_all(site, false); }
ValuePtr builtin_all(CallSite& site) { return any_all(site, true); }

ValuePtr builtin_abs(CallSite& site) {
  const ValuePtr x = first_arg(site);
  if (x && x->kind == Kind::integer && x->integer != INT64_MIN)
    return converted(site, Value::from_int(x->integer < 0 ? -x->integer : x->integer), *x, "abs");
  if (x && x->kind == Kind::floating) return converted(site, Value::from_float(std::fabs(x->floating)), *x, "abs");
  return unknown_value("abs() of a value the evaluator cannot follow", site.origin);
}

ValuePtr builtin_repr(CallSite& site) {
  const ValuePtr x = first_arg(site);
  if (!x) return unknown_value("repr() without an argument", site.origin);
  const auto text = to_repr(*x);
  if (!text) return unknown_argument(site, *x, "repr");
  return converted(site, Value::from_string(*text), *x, "repr");
}

ValuePtr builtin_print(CallSite& site) { return share(Value::none(site.origin)); }

// isinstance(x, cls) for the builtin classes.
std::optional<bool> instance_of(const Value& x, std::string_view cls) {
  if (!x.is_known() || x.kind == Kind::object) return std::nullopt;
  if (cls == "bool") return x.kind == Kind::boolean;
  if (cls == "int") return x.kind == Kind::integer || x.kind == Kind::boolean;
  if (cls == "float") return x.kind == Kind::floating;
  if (cls == "str") return x.kind == Kind::string;
  if (cls == "bytes") return x.kind == Kind::bytes;
  if (cls == "list") return x.kind == Kind::list;
  if (cls == "tuple") return x.kind == Kind::tuple;
  if (cls == "dict") return x.kind == Kind::dict;
  if (cls == "set") return x.kind == Kind::set;
  if (cls == "object") return true;
  return std::nullopt;
}

ValuePtr builtin_isinstance(CallSite& site) {
  const ValuePtr x = site.args.get(0, "");
  const ValuePtr cls = site.args.get(1, "");
  if (!x || !cls) return unknown_value("isinstance() with missing arguments", site.origin);
  std::vector<Value> classes = cls->kind == Kind::tuple ? cls->items : std::vector<Value>{*cls};
  bool unsure = false;
  for (const Value& candidate : classes) {
    if (object_category(candidate) != "class")
      return unknown_value("isinstance() with a class not modelled", site.origin);
    const auto result = instance_of(*x, object_name(candidate));
    if (!result)
      unsure = true;
    else if (*result)
      return converted(site, Value::from_bool(true), *x, "isinstance");
  }
  if (unsure) return unknown_argument(site, *x, "isinstance");
  return converted(site, Value::from_bool(false), *x, "isinstance");
}

ValuePtr builtin_range(CallSite& site) {
  std::int64_t bounds[3] = {0, 0, 1};
  const std::size_t count = site.args.positional.size();
  if (count == 0 || count > 3) return unknown_value("range() with unexpected arguments", site.origin);
  for (std::size_t i = 0; i < count; ++i) {
    const Value& arg = *site.args.positional[i];
    if (arg.kind != Kind::integer) return unknown_value("range() of values the evaluator cannot know", site.origin);
    bounds[count == 1 ? 1 : i] = arg.integer;
  }
  if (bounds[2] == 0) return raise_unknown(site.frame, PyException::value_error, "range() step is zero", site.origin);
  Value out = make_object("instance", "range", site.origin);
  for (std::int64_t i = bounds[0]; bounds[2] > 0 ? i < bounds[1] : i > bounds[1]; i += bounds[2]) {
    if (out.items.size() >= max_iterations) return unknown_value("a range too long to walk", site.origin);
    out.items.push_back(Value::from_int(i, site.origin));
  }
  return finish(site.frame, std::move(out));
}

ValuePtr builtin_enumerate(CallSite& site) {
  const ValuePtr x = first_arg(site);
  const ValuePtr start = site.args.get(1, "start");
  auto items = x ? iterate(*x) : std::nullopt;
  if (!items || (start && start->kind != Kind::integer))
    return unknown_value("enumerate() of an unknown iterable", site.origin);
  Value out = make_object("instance", "generator", site.origin);
  std::int64_t index = start ? start->integer : 0;
  for (Value& item : *items)
    out.items.push_back(Value::tuple({Value::from_int(index++, site.origin), std::move(item)}));
  return finish(site.frame, std::move(out));
}

ValuePtr builtin_zip(CallSite& site) {
  std::vector<std::vector<Value>> columns;
  for (const ValuePtr& arg : site.args.positional) {
    auto items = iterate(*arg);
    if (!items) return unknown_value("zip() of an unknown iterable", site.origin);
    columns.push_back(std::move(*items));
  }
  Value out = make_object("instance", "generator", site.origin);
  std::size_t rows = columns.empty() ? 0 : columns.front().size();
  for (const auto& column : columns) rows = std::min(rows, column.size());
  for (std::size_t r = 0; r < rows; ++r) {
    Value row = Value::tuple({}, site.origin);
    for (auto& column : columns) row.items.push_back(column[r]);
    out.items.push_back(std::move(row));
  }
  return finish(site.frame, std::move(out));
}

// map(str.strip, ...) and friends are rare; map(str, xs) / map(int, xs) are not.
ValuePtr builtin_map(CallSite& site) {
  const ValuePtr function = site.args.get(0, "");
  const ValuePtr iterable = site.args.get(1, "");
  if (!function || !iterable || site.args.positional.size() != 2 || object_category(*function) != "class")
    return unknown_value("map() with a function the evaluator does not apply", site.origin);
  auto items = iterate(*iterable);
  if (!items) return unknown_argument(site, *iterable, "map");
  Value out = make_object("instance", "generator", site.origin);
  for (Value& item : *items) {
    Arguments args;
    args.positional.push_back(share(std::move(item)));
    const ValuePtr mapped = call_value(site.frame, function, std::move(args), site.origin);
    out.items.push_back(*mapped);
  }
  return finish(site.frame, std::move(out));
}

ValuePtr builtin_getattr(CallSite& site) {
  const ValuePtr object = site.args.get(0, "");
  const ValuePtr name = site.args.get(1, "");
  const ValuePtr fallback = site.args.get(2, "");
  if (!object || !name || name->kind != Kind::string)
    return unknown_value("getattr() of an unknown attribute", site.origin);
  ValuePtr result = member_of(site.frame, object, name->text, site.origin);
  if (fallback && !result->is_known())
    return unknown_value("getattr() of an attribute that may be missing", site.origin);
  return result;
}

ValuePtr builtin_globals(CallSite& site) {
  // vars(obj) is obj.__dict__, which we model for project classes only; vars() and locals() at module level
  // are the globals.
  if (site.args.positional.size() == 1 && !site.args.unexpanded && site.args.keywords.empty())
    if (const ProjectDefinition* definition = project_definition(site.frame, *site.args.positional[0]);
        definition && definition->cls)
      return class_vars(*definition, site.origin);
  if (!site.args.positional.empty() || site.args.unexpanded) return unmodelled_call(site);
  return share(make_object("instance", "globals", site.origin));
}

ValuePtr builtin_dir(CallSite& site) {
  if (site.args.positional.size() == 1 && !site.args.unexpanded && site.args.keywords.empty())
    if (const ProjectDefinition* definition = project_definition(site.frame, *site.args.positional[0]);
        definition && definition->cls)
      return class_dir(*definition, site.origin);
  return unmodelled_call(site);
}

ValuePtr globals_update(CallSite& site) {
  const ValuePtr mapping = site.args.get(0, "");
  if (mapping && mapping->kind == Kind::dict) {
    for (const auto& [key, value] : mapping->entries)
      if (key.kind == Kind::string) site.frame.bind(key.text, share(value));
  } else if (mapping) {
    // Names we cannot see are being bound: lookups of missing names must not claim they are undefined.
    unknown_globals_write(site.frame, "globals().update() with a mapping deployctl does not know at " +
                                          site.origin.file + ":" + std::to_string(site.origin.position.line));
  }
  for (const auto& [name, value] : site.args.keywords) site.frame.bind(name, value);
  return share(Value::none(site.origin));
}

ValuePtr globals_get(CallSite& site) {
  const ValuePtr key = site.args.get(0, "");
  const ValuePtr fallback = site.args.get(1, "");
  if (!key || key->kind != Kind::string) return unknown_value("globals().get() of an unknown name", site.origin);
  if (ValuePtr bound = site.frame.lookup(key->text)) return bound;
  return fallback ? fallback : share(Value::none(site.origin));
}

}  // namespace

void add_builtin_handlers(HandlerTable& table) {
  table.emplace("bool", &builtin_bool);
  table.emplace("int", &builtin_int);
  table.emplace("float", &builtin_float);
  table.emplace("str", &builtin_str);
  table.emplace("list", &builtin_list);
  table.emplace("tuple", &builtin_tuple);
  table.emplace("set", &builtin_set);
  table.emplace("frozenset", &builtin_set);
  table.emplace("dict", &builtin_dict);
  table.emplace("len", &builtin_len);
  table.emplace("sorted", &builtin_sorted);
  table.emplace("reversed", &builtin_reversed);
  table.emplace("min", &builtin_min);
  table.emplace("max", &builtin_max);
  table.emplace("sum", &builtin_sum);
  table.emplace("any", &builtin_any);
  table.emplace("all", &builtin_all);
  table.emplace("abs", &builtin_abs);
  table.emplace("repr", &builtin_repr);
  table.emplace("print", &builtin_print);
  table.emplace("isinstance", &builtin_isinstance);
  table.emplace("range", &builtin_range);
  table.emplace("enumerate", &builtin_enumerate);
  table.emplace("zip", &builtin_zip);
  table.emplace("map", &builtin_map);
  table.emplace("getattr", &builtin_getattr);
  table.emplace("globals", &builtin_globals);
  table.emplace("locals", &builtin_globals);
  table.emplace("vars", &builtin_globals);
  table.emplace("dir", &builtin_dir);
  table.emplace("globals.update", &globals_update);
  table.emplace("globals.get", &globals_get);
}

}  // namespace deployctl::checks::settings::eval
