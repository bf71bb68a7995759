// What `deployctl serve` learns from the project without importing it, through the checks' static model: the
// app's entry module (*/wsgi.py, or */asgi.py for an ASGI app), DJANGO_SETTINGS_MODULE from the entry points, and
// STATIC_URL -> STATIC_ROOT.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace deployctl::cli {

struct AppModule {
  std::string module;                 // "mysite.wsgi"
  std::filesystem::path python_path;  // the directory it is importable from (the project dir, or its src/)
};

// The entry module Django's startproject writes, `kind` "wsgi" or "asgi": <dir>/wsgi.py, then <dir>/*/wsgi.py, then
// <dir>/src/*/wsgi.py; more than one candidate at the first level that has any is an error naming them (give APP).
Result<AppModule> find_app_module(const std::filesystem::path& project_dir, std::string_view kind);

// The settings module the project's entry points name (as `deployctl check` finds it), or nullopt.
std::optional<std::string> find_settings_module(const std::filesystem::path& project_dir,
                                                const std::optional<std::string>& from_config);

// "PREFIX=DIR" for STATIC_URL and STATIC_ROOT evaluated statically under the process environment, when both are
// known, STATIC_URL is a local path and STATIC_ROOT an existing directory; nullopt otherwise.
std::optional<std::string> default_static_mount(const std::filesystem::path& project_dir,
                                                const std::string& settings_module);

}  // namespace deployctl::cli
