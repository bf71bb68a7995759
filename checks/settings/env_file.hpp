// Reads dotenv files the way python-dotenv and django-environ do, and builds the Environment the settings are
// evaluated under from --env-file and --env. Values may be secrets: no message ever contains one.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/settings/environment.hpp"
#include "core/error.hpp"

namespace deployctl::checks::settings {

struct EnvFileEntry {
  std::string name;
  std::string value;
  int line = 0;  // 1-based line of the name
};

// Parses dotenv text: `KEY=value`, `export KEY=value`, comments, blank lines, 'literal' values,
// "escaped\n values" (both may span lines), unquoted values with a trailing ` # comment` stripped, and
// ${VAR} / ${VAR:-default} expansion in unquoted and double-quoted values, from `earlier` and the keys above.
// A line with a name and no `=` sets nothing, as in python-dotenv. `filename` is used only in messages
// ("<filename>:<line>: ..."). Never crashes on any bytes.
Result<std::vector<EnvFileEntry>> parse_env_text(std::string_view text, const std::string& filename,
                                                 const Environment& earlier = {});

// Reads and parses one env file into `environment` (later keys win).
Result<void> load_env_file(const std::filesystem::path& file, Environment& environment);

// The environment for one run: the env files in order, then the `KEY=VALUE` assignments of --env; later wins.
Result<Environment> build_environment(std::span<const std::filesystem::path> env_files,
                                      std::span<const std::string> env_assignments);

}  // namespace deployctl::checks::settings
