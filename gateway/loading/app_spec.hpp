// The app as the user names it: "module:callable", and the sys.path and environment its import needs. Python.h
// stays out of this header.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace deployctl::gateway::loading {

// "module:callable" (callable defaults to "application"; a dotted attribute path is allowed).
struct AppSpec {
  std::string module;
  std::string callable = "application";
};
Result<AppSpec> parse_app_spec(std::string_view text);

struct LoadOptions {
  std::filesystem::path chdir;                        // put first on sys.path
  std::filesystem::path python_path;                  // when set: also on sys.path, before chdir (a src/ layout)
  std::optional<std::string> django_settings_module;  // set in os.environ when it is unset there
  bool multiprocess = true;                           // wsgi.multiprocess
  bool multithread = false;                           // wsgi.multithread
};

}  // namespace deployctl::gateway::loading
