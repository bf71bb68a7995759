// What the evaluator knows of code outside the project: builtins, the standard library modules it models,
// django-environ, python-decouple, dj-database-url, django-split-settings, python-dotenv and Django itself.
// One table of members and one of call handlers; each library's behaviour lives in its own file.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "checks/settings/eval/calls.hpp"

namespace deployctl::checks::settings::eval {

using HandlerTable = std::map<std::string, CallHandler, std::less<>>;

// Registration, one function per file that models a library.
void add_builtin_handlers(HandlerTable& table);
void add_string_handlers(HandlerTable& table);
void add_os_environ_handlers(HandlerTable& table);
void add_path_handlers(HandlerTable& table);
void add_django_environ_handlers(HandlerTable& table);
void add_decouple_handlers(HandlerTable& table);
void add_dj_database_url_handlers(HandlerTable& table);
void add_split_settings_handlers(HandlerTable& table);
void add_misc_library_handlers(HandlerTable& table);

// The handler for calls to `qualname`, or null.
CallHandler find_handler(std::string_view qualname);

// A builtin (`len`, `bool`, `KeyError`, ...) as a value, or null when `name` is no builtin.
ValuePtr builtin_value(std::string_view name, const Origin& origin);

// `import X` of a module outside the project: always binds a module object.
ValuePtr library_module(std::string_view dotted, const Origin& origin);
// Whether importing `dotted` (outside the project) certainly succeeds: the standard library and the
// libraries modelled here (a settings module that uses them must have them installed).
bool library_import_succeeds(std::string_view dotted);
// `obj.attr` where obj is a library object (module, class, instance, function).
ValuePtr library_member(Frame& frame, const ValuePtr& object, std::string_view attr, const Origin& origin);

}  // namespace deployctl::checks::settings::eval
