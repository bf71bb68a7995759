// Merging code paths: a name keeps its value only when every path agrees on it. Otherwise it is unknown
// and `alternatives` lists what each path gives (unknown ones included, so the list shows its own gaps).
#include "checks/settings/eval/merge.hpp"

#include <set>

#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

using Kind = Value::Kind;

namespace {

bool same_value(const ValuePtr& a, const ValuePtr& b) {
  if (a == b) return true;
  if (!a || !b) return false;
  return a->kind == b->kind && a->equals(*b).value_or(false);
}

void add_alternative(std::vector<Value>& out, const Value& value) {
  for (const Value& existing : out)
    if (existing.kind == value.kind && existing.is_known() && existing.equals(value).value_or(false)) return;
  out.push_back(value);
}

}  // namespace

ValuePtr merge_values(const std::vector<ValuePtr>& values, const std::string& why) {
  if (values.empty()) return unknown_value(why, {});
  bool all_same = true;
  for (const ValuePtr& value : values) all_same = all_same && same_value(values.front(), value);
  if (all_same) return values.front();
  Value out = Value::unknown(why, values.front()->origin);
  bool overflow = false;
  for (const ValuePtr& value : values) {
    if (!value->is_known() && !value->alternatives.empty()) {
      for (const Value& alternative : value->alternatives) add_alternative(out.alternatives, alternative);
    } else {
      Value copy = *value;
      copy.alternatives.clear();
      add_alternative(out.alternatives, copy);
    }
    if (out.alternatives.size() > max_alternatives) overflow = true;
    if (!out.env && value->env) carry_env(out, *value, "");
    if (out.producer.empty()) out.producer = value->producer;
  }
  if (overflow || !within_limits(out)) {
    out.alternatives.clear();
    out.unknown_reason += " (too many possible values to list)";
  }
  return share(std::move(out));
}

bool is_setting_name(std::string_view name) {
  bool letter = false;
  for (const char c : name) {
    if (c >= 'a' && c <= 'z') return false;
    letter = letter || (c >= 'A' && c <= 'Z');
  }
  return letter && name.front() != '_';
}

void unknown_globals_write(Frame& frame, const std::string& why) {
  mark_incomplete(frame.module, why);
  Scope& scope = frame.globals_view ? *frame.globals_view : *frame.scope;
  Bindings changed;
  for (const auto& [name, value] : scope.flatten()) {
    if (!is_setting_name(name) || value->kind == Kind::object) continue;
    Value out = Value::unknown("may have been replaced by " + why, value->origin);
    if (value->is_known())
      out.alternatives.push_back(*value);
    else
      out.alternatives = value->alternatives;
    out.env = value->env;
    out.steps = value->steps;  // how the read led to it: an `if` that only chose the path stays such
    changed.emplace(name, share(std::move(out)));
  }
  scope.apply(changed);
}

void merge_paths(Scope& target, const std::vector<const Bindings*>& paths, const std::string& why) {
  std::set<std::string_view> names;
  for (const Bindings* path : paths)
    for (const auto& [name, value] : *path) names.insert(name);
  Bindings merged;
  for (const std::string_view name : names) {
    std::vector<ValuePtr> values;
    bool unbound_somewhere = false;
    for (const Bindings* path : paths) {
      const auto it = path->find(name);
      ValuePtr value = it != path->end() ? it->second : target.find(name);
      if (!value)
        unbound_somewhere = true;
      else
        values.push_back(std::move(value));
    }
    if (values.empty()) {
      merged.emplace(std::string(name), nullptr);
      continue;
    }
    if (unbound_somewhere) {
      ValuePtr possible = merge_values(values, why);
      Value out = Value::unknown(why + "; unset on some paths", possible->origin);
      if (possible->is_known())
        out.alternatives.push_back(*possible);
      else
        out.alternatives = possible->alternatives;
      // The paths that leave it unset give Django's default, or whatever an earlier module set: listed as unknown, so
      // that no rule answers for the paths that assigned it alone.
      out.alternatives.push_back(Value::unknown(std::string(unset_on_this_path), possible->origin));
      out.env = possible->env;
      out.steps = possible->steps;
      merged.emplace(std::string(name), share(std::move(out)));
      continue;
    }
    merged.emplace(std::string(name), merge_values(values, why));
  }
  target.apply(merged);
}

}  // namespace deployctl::checks::settings::eval
