// The names a piece of code binds. Branches and try bodies run in a child scope layered over their
// parent, so that evaluating both sides of an `if` copies only what each side changes.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "checks/settings/value.hpp"

namespace deployctl::checks::settings::eval {

using Bindings = std::map<std::string, ValuePtr, std::less<>>;  // a null value marks a name deleted here

class Scope {
 public:
  explicit Scope(const Scope* parent = nullptr, bool transient = false) : parent_(parent), transient_(transient) {}

  // The value bound to `name` here or in a parent; null when unbound.
  ValuePtr find(std::string_view name) const;
  void set(std::string name, ValuePtr value) { own_[std::move(name)] = std::move(value); }
  // Unbinds `name`; in a child scope the deletion is recorded so that it hides the parent's binding.
  void erase(std::string_view name);

  // What this scope changed relative to its parent (all bindings for a root scope).
  const Bindings& changes() const { return own_; }
  // Applies a child's changes (or a merged set of changes) to this scope.
  void apply(const Bindings& changes);
  // The changes of this scope and its parents up to and including `last`, nearest first winning.
  // Transient scopes (comprehension variables) are skipped.
  Bindings changes_up_to(const Scope* last) const;
  // Every name bound here or in a parent (not deleted), with its value.
  Bindings flatten() const;
  // Names whose value is exactly `value` (the same object): aliases of a container about to be mutated.
  std::vector<std::string> names_bound_to(const Value* value) const;

  const Scope* parent() const { return parent_; }

 private:
  Bindings own_;
  const Scope* parent_;
  bool transient_;
};

}  // namespace deployctl::checks::settings::eval
