// Imports: project modules are evaluated (once per run, cycles and depth bounded); library modules are
// the objects library.cpp models; star imports copy what Python would export.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "checks/python/ast.hpp"
#include "checks/settings/eval/frame.hpp"

namespace deployctl::checks::settings::eval {

void execute_import(Frame& frame, const python::Import& statement, const python::Position& position);
void execute_import_from(Frame& frame, const python::ImportFrom& statement, const python::Position& position);

// `module.attr` for a project module object.
ValuePtr project_member(Frame& frame, const Value& module, std::string_view attr, const Origin& origin);
bool is_project_module(const Evaluation& run, const Value& value);

// Runs a module's code: binds the module globals (__file__, __name__), executes the body.
void run_module_code(Evaluation& run, LoadedModule& module, const python::Module& code);

}  // namespace deployctl::checks::settings::eval
