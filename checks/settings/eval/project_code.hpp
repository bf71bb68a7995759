// Functions and classes defined in the project's own code. Calling a function runs its body with the
// arguments bound (bounded depth, never recursively); a class body runs once and its names become attributes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "checks/python/ast.hpp"
#include "checks/settings/eval/calls.hpp"
#include "checks/settings/eval/frame.hpp"

namespace deployctl::checks::settings::eval {

struct ProjectDefinition {
  std::string qualname;
  const python::FunctionDef* function = nullptr;  // one of function and cls
  const python::ClassDef* cls = nullptr;
  LoadedModule* module = nullptr;  // whose globals its code sees
  std::string file;                // where it was written
  std::filesystem::path path;
  Origin origin;
  std::vector<ValuePtr> defaults;  // functions: per parameter, evaluated at def time; null: none
  Bindings attributes;             // classes: own names over those of the bases
  Bindings own_attributes;         // classes: the names the class body binds (its __dict__)
  std::string unknown_attributes;  // classes: non-empty when some attribute may be missing: why
  bool configuration = false;      // classes: a django-configurations Configuration subclass
};

// Executes a def / class statement: binds the name to an object that calls (or reads) the definition.
void define_function(Frame& frame, const python::FunctionDef& function, const python::Position& position);
void define_class(Frame& frame, const python::ClassDef& cls, const python::Position& position);

// The project definition a function or class value stands for; null for anything else.
const ProjectDefinition* project_definition(const Frame& frame, const Value& callee);

// Runs the function's body with `args` bound to its parameters and returns what it returns: one value,
// or several possible ones merged. Unknown (with the reason) past the depth bound, on recursion, when the
// arguments do not fit, or when every path raises.
ValuePtr call_project_function(Frame& frame, const ProjectDefinition& definition, Arguments args, const Origin& origin);

// vars(cls): a dict of the names the class body binds; dir(cls): the sorted names of the class, inherited ones
// and those of `object` included (unknown when a base is a class deployctl cannot see).
ValuePtr class_vars(const ProjectDefinition& definition, const Origin& origin);
ValuePtr class_dir(const ProjectDefinition& definition, const Origin& origin);

// An attribute of a project class (inherited ones included); null when the class does not bind it.
ValuePtr class_attribute(const ProjectDefinition& definition, std::string_view name, const Origin& origin);

}  // namespace deployctl::checks::settings::eval
