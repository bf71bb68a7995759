// Assignment: names, unpacking, nested item assignment (`DATABASES['default']['CONN_MAX_AGE'] = 60`), os.environ
// writes and globals()[...] writes. Item assignment changes the container every alias of it sees.
#include "checks/settings/eval/places.hpp"

#include "checks/settings/eval/env_access.hpp"
#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/merge.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace py = python;
using Kind = Value::Kind;

namespace {

std::string where(const Origin& origin) { return origin.file + ":" + std::to_string(origin.position.line); }

bool is_container(const Value& value) {
  return value.kind == Kind::list || value.kind == Kind::dict || value.kind == Kind::set;
}

// The container with the item at keys[i..] replaced by `value` (or deleted when `value` is null).
ValuePtr replace_in(Frame& frame, const ValuePtr& container, const Place& place, std::size_t i, const ValuePtr& value,
                    const Origin& origin) {
  const ValuePtr& key = place.keys[i];
  const bool last = i + 1 == place.keys.size();
  if (!container->is_known()) {
    Value stale = Value::unknown(container->unknown_reason, container->origin);
    stale.env = container->env;
    stale.steps = container->steps;
    return share(std::move(stale));
  }
  if (!key->is_known())
    return unknown_value("an item with a key the evaluator cannot know was changed at " + where(origin),
                         container->origin);
  Value copy = *container;
  copy.literal = false;
  if (copy.kind == Kind::dict) {
    for (auto it = copy.entries.begin(); it != copy.entries.end(); ++it) {
      const auto same = it->first.equals(*key);
      if (!same)
        return unknown_value("an item with a key the evaluator cannot compare was changed at " + where(origin),
                             container->origin);
      if (!*same) continue;
      if (last) {
        if (value)
          it->second = *value;
        else
          copy.entries.erase(it);
      } else {
        it->second = *replace_in(frame, share(it->second), place, i + 1, value, origin);
      }
      return finish(frame, std::move(copy));
    }
    if (!last || !value) {
      frame.raise(PyException::key_error);
      return container;
    }
    copy.entries.emplace_back(*key, *value);
    return finish(frame, std::move(copy));
  }
  if (copy.kind == Kind::list) {
    if (key->kind != Kind::integer && key->kind != Kind::boolean) {
      frame.raise(PyException::type_error);
      return container;
    }
    const std::int64_t raw = key->kind == Kind::boolean ? (key->boolean ? 1 : 0) : key->integer;
    const auto length = static_cast<std::int64_t>(copy.items.size());
    const std::int64_t index = raw < 0 ? raw + length : raw;
    if (index < 0 || index >= length) {
      frame.raise(PyException::index_error);
      return container;
    }
    const auto at = static_cast<std::size_t>(index);
    if (last) {
      if (value)
        copy.items[at] = *value;
      else
        copy.items.erase(copy.items.begin() + static_cast<std::ptrdiff_t>(at));
    } else {
      copy.items[at] = *replace_in(frame, share(copy.items[at]), place, i + 1, value, origin);
    }
    return finish(frame, std::move(copy));
  }
  if (copy.kind == Kind::object) return container;  // library objects: not modelled, left alone
  frame.raise(PyException::type_error);
  return container;
}

void rebind(Frame& frame, const std::string& root, const ValuePtr& old, const ValuePtr& value, bool in_place) {
  if (in_place && old && is_container(*old) && old.use_count() > 2) {
    for (const std::string& alias : frame.scope->names_bound_to(old.get())) frame.bind(alias, value);
  }
  frame.bind(root, value);
}

void unpack(Frame& frame, const std::vector<py::ExprPtr>& targets, const ValuePtr& value, const Origin& origin) {
  std::size_t starred_at = targets.size();
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (py::as<py::Starred>(targets[i])) starred_at = i;
  const auto items = iterate(*value);
  const bool fits =
      items && (starred_at == targets.size() ? items->size() == targets.size() : items->size() + 1 >= targets.size());
  if (!fits) {
    if (items) frame.raise(PyException::value_error);
    const std::string reason = items ? "unpacking a value of the wrong length (ValueError)"
                                     : "unpacked from a value the evaluator cannot know";
    for (const py::ExprPtr& target : targets) {
      Value out = Value::unknown(value->is_known() ? reason : value->unknown_reason, origin);
      carry_env(out, *value, "unpacked");
      const py::ExprPtr& inner = py::as<py::Starred>(target) ? py::as<py::Starred>(target)->value : target;
      assign_target(frame, inner, share(std::move(out)));
    }
    return;
  }
  const std::size_t after = targets.size() - starred_at - (starred_at == targets.size() ? 0 : 1);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (i < starred_at) {
      assign_target(frame, targets[i], share((*items)[i]));
    } else if (i == starred_at) {
      std::vector<Value> rest((*items).begin() + static_cast<std::ptrdiff_t>(starred_at),
                              (*items).end() - static_cast<std::ptrdiff_t>(after));
      assign_target(frame, py::as<py::Starred>(targets[i])->value, finish(frame, Value::list(std::move(rest), origin)));
    } else {
      const std::size_t from_end = targets.size() - i;
      assign_target(frame, targets[i], share((*items)[items->size() - from_end]));
    }
  }
}

}  // namespace

std::optional<Place> resolve_place(Frame& frame, const py::ExprPtr& expr) {
  if (const auto* name = py::as<py::Name>(expr)) return Place{name->id, {}, {}};
  if (const auto* subscript = py::as<py::Subscript>(expr)) {
    if (py::as<py::Slice>(subscript->slice)) return std::nullopt;
    auto place = resolve_place(frame, subscript->value);
    if (!place) return std::nullopt;
    place->keys.push_back(evaluate(frame, subscript->slice));
    place->key_origins.push_back(frame.origin(expr->position));
    return place;
  }
  return std::nullopt;
}

ValuePtr read_place(Frame& frame, const Place& place, const Origin& origin) {
  ValuePtr value = frame.lookup(place.root);
  if (!value) value = builtin_value(place.root, origin);
  if (!value) value = unknown_value("'" + place.root + "' is not defined (NameError)", origin);
  for (std::size_t i = 0; i < place.keys.size(); ++i)
    value = subscript_value(frame, value, place.keys[i], place.key_origins[i]);
  return value;
}

void write_place(Frame& frame, const Place& place, ValuePtr value, bool in_place, const Origin& origin) {
  const ValuePtr old = frame.lookup(place.root);
  if (place.keys.empty()) {
    rebind(frame, place.root, old, value, in_place);
    return;
  }
  if (!old) {
    frame.raise(PyException::type_error);  // NameError in Python; nothing to change
    return;
  }
  const Value& key = *place.keys.front();
  if (is_object(*old, "instance", "os.environ")) {  // env = os.environ; env['X'] = ...
    if (place.keys.size() == 1 && key.kind == Kind::string) write_env(frame, key.text, value);
    return;
  }
  if (is_object(*old, "instance", "globals")) {  // g = globals(); g['X'] = ... (a helper handed globals())
    if (key.kind != Kind::string) {
      unknown_globals_write(frame, "globals()[...] with a name deployctl does not know at " + origin.file + ":" +
                                       std::to_string(origin.position.line));
      return;
    }
    if (place.keys.size() == 1) return frame.bind(key.text, value);
    Place inner{
        key.text, {place.keys.begin() + 1, place.keys.end()}, {place.key_origins.begin() + 1, place.key_origins.end()}};
    return write_place(frame, inner, std::move(value), in_place, origin);
  }
  const ValuePtr changed = replace_in(frame, old, place, 0, value, origin);
  if (changed != old) rebind(frame, place.root, old, changed, true);
}

void assign_target(Frame& frame, const py::ExprPtr& target, const ValuePtr& value) {
  if (!target) return;
  const Origin origin = frame.origin(target->position);
  if (const auto* name = py::as<py::Name>(target)) {
    frame.bind(name->id, value);
    return;
  }
  if (const auto* tuple = py::as<py::TupleExpr>(target)) return unpack(frame, tuple->elts, value, origin);
  if (const auto* list = py::as<py::ListExpr>(target)) return unpack(frame, list->elts, value, origin);
  if (const auto* subscript = py::as<py::Subscript>(target)) {
    if (auto place = resolve_place(frame, target)) {
      write_place(frame, *place, value, true, origin);
      return;
    }
    const ValuePtr container = evaluate(frame, subscript->value);
    if (py::as<py::Slice>(subscript->slice)) return;
    const ValuePtr key = evaluate(frame, subscript->slice);
    if (is_object(*container, "instance", "os.environ")) {
      if (key->kind == Kind::string) write_env(frame, key->text, value);
      return;
    }
    if (is_object(*container, "instance", "globals")) {
      if (key->kind == Kind::string)
        frame.bind(key->text, value);
      else
        unknown_globals_write(frame, "globals()[...] with a name deployctl does not know at " + origin.file + ":" +
                                         std::to_string(origin.position.line));
    }
    return;
  }
  if (const auto* attribute = py::as<py::Attribute>(target)) {
    // Attributes of library objects and other modules are not tracked; data values have none to set.
    const ValuePtr object = evaluate(frame, attribute->value);
    if (object->is_known() && object->kind != Kind::object) frame.raise(PyException::attribute_error);
    return;
  }
  if (const auto* starred = py::as<py::Starred>(target)) assign_target(frame, starred->value, value);
}

void delete_target(Frame& frame, const py::ExprPtr& target) {
  if (!target) return;
  const Origin origin = frame.origin(target->position);
  if (const auto* name = py::as<py::Name>(target)) {
    frame.scope->erase(name->id);
    return;
  }
  if (const auto* tuple = py::as<py::TupleExpr>(target)) {
    for (const auto& element : tuple->elts) delete_target(frame, element);
    return;
  }
  if (const auto* subscript = py::as<py::Subscript>(target)) {
    if (auto place = resolve_place(frame, target)) {
      const ValuePtr old = frame.lookup(place->root);
      if (!old) return;
      const ValuePtr changed = replace_in(frame, old, *place, 0, nullptr, origin);
      if (changed != old) rebind(frame, place->root, old, changed, true);
      return;
    }
    const ValuePtr container = evaluate(frame, subscript->value);
    const ValuePtr key = evaluate(frame, subscript->slice);
    if (is_object(*container, "instance", "os.environ") && key->kind == Kind::string) delete_env(frame, key->text);
  }
}

void collect_target_names(const py::ExprPtr& target, std::vector<std::string>& names) {
  if (!target) return;
  if (const auto* name = py::as<py::Name>(target))
    names.push_back(name->id);
  else if (const auto* tuple = py::as<py::TupleExpr>(target))
    for (const auto& element : tuple->elts) collect_target_names(element, names);
  else if (const auto* list = py::as<py::ListExpr>(target))
    for (const auto& element : list->elts) collect_target_names(element, names);
  else if (const auto* starred = py::as<py::Starred>(target))
    collect_target_names(starred->value, names);
  else if (const auto* subscript = py::as<py::Subscript>(target))
    collect_target_names(subscript->value, names);
  else if (const auto* attribute = py::as<py::Attribute>(target)) {
    // `X.attr = ...` changes what X refers to only for objects we do not model; keep data names as they are
    // unless the attribute chain bottoms out in a subscript (`X['k'].attr`), which cannot be data either.
    (void)attribute;
  }
}

}  // namespace deployctl::checks::settings::eval
