// Which settings module `deployctl check` reads: --settings, then the config, then the DJANGO_SETTINGS_MODULE
// default that the project's own entry points (wsgi.py, asgi.py, manage.py) set.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace deployctl::checks::settings {

struct DiscoveredSettings {
  std::string module;          // dotted, e.g. "mysite.settings.production"
  std::string how;             // where the name came from: "--settings", "deployctl.toml", "mysite/wsgi.py", ...
  std::filesystem::path file;  // the module's file, as module_resolver found it
};

// Priority: `from_flag`, `from_config` (named `config_name` in `how` and messages), then the entry points, of
// which the production ones come first: <dir>/wsgi.py, <dir>/*/wsgi.py, <dir>/src/*/wsgi.py, the same for
// asgi.py, then <dir>/manage.py and <dir>/src/manage.py. The module must resolve to a file under `project_dir`.
Result<DiscoveredSettings> discover_settings_module(const std::filesystem::path& project_dir,
                                                    std::optional<std::string> from_flag,
                                                    std::optional<std::string> from_config,
                                                    std::string_view config_name = "deployctl.toml");

// What one entry point sets DJANGO_SETTINGS_MODULE to, from `os.environ.setdefault(...)` or
// `os.environ[...] = ...` anywhere in the file (also inside `def main():`); the first one wins.
struct EntryPointSetting {
  std::optional<std::string> module;  // nullopt when the value is not a string literal
  int line = 0;
};
std::optional<EntryPointSetting> settings_module_set_in(std::string_view source, const std::string& filename);

}  // namespace deployctl::checks::settings
