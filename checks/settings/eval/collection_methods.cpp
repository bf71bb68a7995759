// list, tuple, dict and set methods. Mutating ones hand back the changed receiver (MethodResult::mutated)
// for the caller to store where it came from; the receiver keeps its origin, items keep theirs.
#include <algorithm>

#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/methods.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace {

using Kind = Value::Kind;

struct CollectionCall {
  CallSite& site;
  const Value& receiver;
  std::string_view method;

  MethodResult value(ValuePtr result) const { return MethodResult{std::move(result), nullptr}; }
  MethodResult none_and(Value changed) const {
    changed.literal = false;
    return MethodResult{share(Value::none(site.origin)), finish(site.frame, std::move(changed))};
  }
  MethodResult unknown(std::string why) const {
    Value out = Value::unknown(std::move(why), site.origin);
    carry_env(out, receiver, "." + std::string(method) + "()");
    return MethodResult{share(std::move(out)), nullptr};
  }
  // The receiver becomes unknown too: a change we cannot follow.
  MethodResult unknown_change(std::string why) const {
    MethodResult out = unknown(why);
    out.mutated = unknown_value(
        std::move(why) + " at " + site.origin.file + ":" + std::to_string(site.origin.position.line), receiver.origin);
    return out;
  }
  MethodResult raise(PyException type, std::string why) const {
    site.frame.raise(type);
    return unknown(std::move(why));
  }
  ValuePtr arg(std::size_t i, std::string_view name = "") const { return site.args.get(i, name); }
};

// Index of the first element equal to `item`; nullopt when equality cannot be decided before a match.
std::optional<std::optional<std::size_t>> find_item(const std::vector<Value>& items, const Value& item) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto same = items[i].equals(item);
    if (!same) return std::nullopt;
    if (*same) return std::optional<std::size_t>(i);
  }
  return std::optional<std::size_t>();
}

std::optional<std::optional<std::size_t>> find_key(const Value& dict, const Value& key) {
  for (std::size_t i = 0; i < dict.entries.size(); ++i) {
    const auto same = dict.entries[i].first.equals(key);
    if (!same) return std::nullopt;
    if (*same) return std::optional<std::size_t>(i);
  }
  return std::optional<std::size_t>();
}

std::optional<MethodResult> list_method(const CollectionCall& c) {
  const Value& list = c.receiver;
  const std::string_view m = c.method;
  Value changed = list;
  if (m == "append") {
    const ValuePtr item = c.arg(0, "");
    if (!item) return c.raise(PyException::type_error, "append() without an argument");
    changed.items.push_back(*item);
    return c.none_and(std::move(changed));
  }
  if (m == "extend") {
    const ValuePtr iterable = c.arg(0, "");
    auto items = iterable ? iterate(*iterable) : std::nullopt;
    if (!items) return c.unknown_change("extended with an unknown iterable");
    for (Value& item : *items) changed.items.push_back(std::move(item));
    return c.none_and(std::move(changed));
  }
  if (m == "insert") {
    const ValuePtr index = c.arg(0, "");
    const ValuePtr item = c.arg(1, "");
    if (!index || !item || index->kind != Kind::integer) return c.unknown_change("insert() at an unknown position");
    const auto length = static_cast<std::int64_t>(changed.items.size());
    std::int64_t at = index->integer < 0 ? index->integer + length : index->integer;
    at = std::clamp<std::int64_t>(at, 0, length);
    changed.items.insert(changed.items.begin() + at, *item);
    return c.none_and(std::move(changed));
  }
  if (m == "remove") {
    const ValuePtr item = c.arg(0, "");
    if (!item) return c.raise(PyException::type_error, "remove() without an argument");
    const auto found = find_item(changed.items, *item);
    if (!found) return c.unknown_change("remove() of an item the evaluator cannot compare");
    if (!*found) return c.raise(PyException::value_error, "list.remove(x): x not in list (ValueError)");
    changed.items.erase(changed.items.begin() + static_cast<std::ptrdiff_t>(**found));
    return c.none_and(std::move(changed));
  }
  if (m == "pop") {
    const ValuePtr index = c.arg(0, "");
    if (index && index->kind != Kind::integer) return c.unknown_change("pop() at an unknown position");
    const auto length = static_cast<std::int64_t>(changed.items.size());
    const std::int64_t at = !index ? length - 1 : (index->integer < 0 ? index->integer + length : index->integer);
    if (at < 0 || at >= length) return c.raise(PyException::index_error, "pop from empty list or index out of range");
    Value popped = changed.items[static_cast<std::size_t>(at)];
    changed.items.erase(changed.items.begin() + at);
    changed.literal = false;
    return MethodResult{share(std::move(popped)), finish(c.site.frame, std::move(changed))};
  }
  if (m == "clear") {
    changed.items.clear();
    return c.none_and(std::move(changed));
  }
  if (m == "reverse") {
    std::reverse(changed.items.begin(), changed.items.end());
    return c.none_and(std::move(changed));
  }
  if (m == "sort") {
    if (!c.site.args.keywords.empty()) return c.unknown_change("sort() with a key or reverse flag");
    const bool strings =
        std::all_of(changed.items.begin(), changed.items.end(), [](const Value& v) { return v.kind == Kind::string; });
    if (!strings) return c.unknown_change("sort() of values other than strings");
    std::stable_sort(changed.items.begin(), changed.items.end(),
                     [](const Value& a, const Value& b) { return a.text < b.text; });
    return c.none_and(std::move(changed));
  }
  return std::nullopt;
}

std::optional<MethodResult> sequence_method(const CollectionCall& c) {
  const std::string_view m = c.method;
  if (m == "index" || m == "count") {
    const ValuePtr item = c.arg(0, "");
    if (!item || c.site.args.positional.size() > 1) return c.unknown(std::string(m) + "() with ranges");
    if (m == "index") {
      const auto found = find_item(c.receiver.items, *item);
      if (!found) return c.unknown("index() of an item the evaluator cannot compare");
      if (!*found) return c.raise(PyException::value_error, "index(): x not in list (ValueError)");
      return c.value(share(Value::from_int(static_cast<std::int64_t>(**found), c.site.origin)));
    }
    std::int64_t count = 0;
    for (const Value& element : c.receiver.items) {
      const auto same = element.equals(*item);
      if (!same) return c.unknown("count() of an item the evaluator cannot compare");
      count += *same ? 1 : 0;
    }
    return c.value(share(Value::from_int(count, c.site.origin)));
  }
  if (m == "copy" && c.receiver.kind != Kind::tuple) {
    Value copy = c.receiver;
    copy.origin = c.site.origin;
    copy.literal = false;
    return c.value(share(std::move(copy)));
  }
  return std::nullopt;
}

std::optional<MethodResult> dict_method(const CollectionCall& c) {
  const Value& dict = c.receiver;
  const std::string_view m = c.method;
  const auto carried = [&](Value item, std::string step) {
    carry_env(item, dict, step);
    return share(std::move(item));
  };
  if (m == "get") {
    const ValuePtr key = c.arg(0, "");
    const ValuePtr fallback = c.arg(1, "");
    if (!key || !key->is_known()) return c.unknown("get() of an unknown key");
    const auto found = find_key(dict, *key);
    if (!found) return c.unknown("get() of a key the evaluator cannot compare");
    if (*found) return c.value(carried(dict.entries[**found].second, ".get(" + step_operand(*key) + ")"));
    return c.value(fallback ? fallback : share(Value::none(c.site.origin)));
  }
  if (m == "keys" || m == "values" || m == "items") {
    Value list = Value::list({}, c.site.origin);
    for (const auto& [key, item] : dict.entries) {
      if (m == "keys")
        list.items.push_back(key);
      else if (m == "values")
        list.items.push_back(item);
      else
        list.items.push_back(Value::tuple({key, item}, c.site.origin));
    }
    return c.value(finish(c.site.frame, std::move(list)));
  }
  Value changed = dict;
  if (m == "update") {
    std::vector<std::pair<Value, Value>> additions;
    if (const ValuePtr other = c.arg(0, "")) {
      if (other->kind == Kind::dict)
        additions = other->entries;
      else if (auto items = iterate(*other)) {
        for (const Value& pair : *items) {
          if ((pair.kind != Kind::tuple && pair.kind != Kind::list) || pair.items.size() != 2)
            return c.unknown_change("update() with items that are not pairs");
          additions.emplace_back(pair.items[0], pair.items[1]);
        }
      } else {
        return c.unknown_change("update() with an unknown mapping");
      }
    }
    if (c.site.args.unexpanded) return c.unknown_change("update() with arguments the evaluator cannot expand");
    for (const auto& [name, value] : c.site.args.keywords) additions.emplace_back(Value::from_string(name), *value);
    for (auto& [key, item] : additions) {
      const auto found = find_key(changed, key);
      if (!found) return c.unknown_change("update() with keys the evaluator cannot compare");
      if (*found)
        changed.entries[**found].second = std::move(item);
      else
        changed.entries.emplace_back(std::move(key), std::move(item));
    }
    return c.none_and(std::move(changed));
  }
  if (m == "setdefault") {
    const ValuePtr key = c.arg(0, "");
    const ValuePtr fallback = c.arg(1, "");
    if (!key || !key->is_known()) return c.unknown_change("setdefault() of an unknown key");
    const auto found = find_key(dict, *key);
    if (!found) return c.unknown_change("setdefault() of a key the evaluator cannot compare");
    if (*found) return c.value(carried(dict.entries[**found].second, ".setdefault()"));
    const Value item = fallback ? *fallback : Value::none(c.site.origin);
    changed.entries.emplace_back(*key, item);
    changed.literal = false;
    return MethodResult{share(item), finish(c.site.frame, std::move(changed))};
  }
  if (m == "pop") {
    const ValuePtr key = c.arg(0, "");
    const ValuePtr fallback = c.arg(1, "");
    if (!key || !key->is_known()) return c.unknown_change("pop() of an unknown key");
    const auto found = find_key(dict, *key);
    if (!found) return c.unknown_change("pop() of a key the evaluator cannot compare");
    if (!*found) {
      if (fallback) return c.value(fallback);
      return c.raise(PyException::key_error, "pop() of a missing key (KeyError)");
    }
    Value popped = changed.entries[**found].second;
    changed.entries.erase(changed.entries.begin() + static_cast<std::ptrdiff_t>(**found));
    changed.literal = false;
    return MethodResult{share(std::move(popped)), finish(c.site.frame, std::move(changed))};
  }
  if (m == "clear") {
    changed.entries.clear();
    return c.none_and(std::move(changed));
  }
  if (m == "copy") {
    changed.origin = c.site.origin;
    changed.literal = false;
    return c.value(share(std::move(changed)));
  }
  return std::nullopt;
}

std::optional<MethodResult> set_method(const CollectionCall& c) {
  const std::string_view m = c.method;
  Value changed = c.receiver;
  const auto add = [&](const Value& item) -> bool {
    const auto found = find_item(changed.items, item);
    if (!found) return false;
    if (!*found) changed.items.push_back(item);
    return true;
  };
  if (m == "add") {
    const ValuePtr item = c.arg(0, "");
    if (!item || !add(*item)) return c.unknown_change("add() of an item the evaluator cannot compare");
    return c.none_and(std::move(changed));
  }
  if (m == "update" || m == "union") {
    for (const ValuePtr& other : c.site.args.positional) {
      auto items = iterate(*other);
      if (!items)
        return m == "update" ? c.unknown_change("update() with an unknown iterable")
                             : c.unknown("union() with an unknown iterable");
      for (const Value& item : *items)
        if (!add(item)) return c.unknown_change("update() with items the evaluator cannot compare");
    }
    if (m == "union") {
      changed.origin = c.site.origin;
      changed.literal = false;
      return c.value(finish(c.site.frame, std::move(changed)));
    }
    return c.none_and(std::move(changed));
  }
  if (m == "discard" || m == "remove") {
    const ValuePtr item = c.arg(0, "");
    const auto found = item ? find_item(changed.items, *item) : std::nullopt;
    if (!found) return c.unknown_change(std::string(m) + "() of an item the evaluator cannot compare");
    if (!*found) {
      if (m == "remove") return c.raise(PyException::key_error, "set.remove() of a missing item (KeyError)");
      return c.none_and(std::move(changed));
    }
    changed.items.erase(changed.items.begin() + static_cast<std::ptrdiff_t>(**found));
    return c.none_and(std::move(changed));
  }
  if (m == "copy") {
    changed.origin = c.site.origin;
    changed.literal = false;
    return c.value(share(std::move(changed)));
  }
  return std::nullopt;
}

}  // namespace

std::optional<MethodResult> call_collection_method(CallSite& site, const ValuePtr& receiver, std::string_view method) {
  CollectionCall call{site, *receiver, method};
  switch (receiver->kind) {
    case Kind::list:
      if (auto result = list_method(call)) return result;
      return sequence_method(call);
    case Kind::tuple: return sequence_method(call);
    case Kind::dict: return dict_method(call);
    case Kind::set: return set_method(call);
    default: return std::nullopt;
  }
}

}  // namespace deployctl::checks::settings::eval
