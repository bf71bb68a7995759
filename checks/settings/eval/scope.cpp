// Layered name bindings for branches, try bodies and comprehensions.
#include "checks/settings/eval/scope.hpp"

#include <set>

namespace deployctl::checks::settings::eval {

ValuePtr Scope::find(std::string_view name) const {
  for (const Scope* scope = this; scope; scope = scope->parent_) {
    const auto it = scope->own_.find(name);
    if (it != scope->own_.end()) return it->second;
  }
  return nullptr;
}

void Scope::erase(std::string_view name) {
  if (!parent_) {
    const auto it = own_.find(name);
    if (it != own_.end()) own_.erase(it);
    return;
  }
  own_[std::string(name)] = nullptr;
}

void Scope::apply(const Bindings& changes) {
  for (const auto& [name, value] : changes) {
    if (value)
      own_[name] = value;
    else
      erase(name);
  }
}

Bindings Scope::changes_up_to(const Scope* last) const {
  Bindings out;
  for (const Scope* scope = this; scope; scope = scope->parent_) {
    if (!scope->transient_)
      for (const auto& [name, value] : scope->own_) out.emplace(name, value);  // nearer scopes were first
    if (scope == last) break;
  }
  return out;
}

Bindings Scope::flatten() const {
  Bindings out;
  for (const Scope* scope = this; scope; scope = scope->parent_)
    for (const auto& [name, value] : scope->own_) out.emplace(name, value);
  for (auto it = out.begin(); it != out.end();) {
    if (!it->second)
      it = out.erase(it);
    else
      ++it;
  }
  return out;
}

std::vector<std::string> Scope::names_bound_to(const Value* value) const {
  std::vector<std::string> out;
  std::set<std::string_view> seen;
  for (const Scope* scope = this; scope; scope = scope->parent_)
    for (const auto& [name, bound] : scope->own_) {
      if (!seen.insert(name).second) continue;
      if (bound.get() == value) out.push_back(name);
    }
  return out;
}

}  // namespace deployctl::checks::settings::eval
