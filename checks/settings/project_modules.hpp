// Dotted paths into the project's own source tree, looked up without importing anything: which module file a
// path names, and which names that module binds at its top level. Paths outside the project are never judged.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace deployctl::checks::settings {

struct ProjectModule {
  enum class Kind {
    outside,  // the first component is no package or module of the project (a bare directory at the top is not
              // one either: a regular package installed elsewhere wins over it): an installed package, say
    source,   // a .py file (a module, or a package's __init__.py): `file`
    namespace_package,  // a directory without __init__.py: importable, defines nothing but its submodules
    opaque,             // a compiled or bytecode-only module (.so, .pyc): it exists, its names cannot be read
    missing,            // inside the project, yet no file or directory by that name: importing it raises ImportError
  };
  Kind kind = Kind::outside;
  std::filesystem::path file;  // Kind::source
};

// Where `dotted` ("shop.middleware") is under `project_dir` (or its src/), as importlib's path finder looks.
ProjectModule find_project_module(const std::filesystem::path& project_dir, std::string_view dotted);

// The names a module's top-level code may bind: assignments, defs, classes and imports, including those inside
// top-level if/try/for/with blocks and `global` statements in its functions. `open` when it may bind names
// this cannot see (a star import, globals() or vars(), setattr, exec, sys.modules, a module __getattr__);
// nullopt when the file cannot be read or parsed.
struct ModuleNames {
  std::set<std::string, std::less<>> names;
  bool open = false;
};
std::optional<ModuleNames> module_names(const std::filesystem::path& file);

}  // namespace deployctl::checks::settings
