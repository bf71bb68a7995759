// The project config: deployctl.toml (or [tool.deployctl] in pyproject.toml), found from the project dir upwards.
// Every key maps one to one to a CLI flag of the same name; flags given on the command line win over it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace deployctl {

// Where a value was written, for messages: "deployctl.toml:7:10".
struct ConfigPosition {
  std::string file;  // as printed in messages: relative to the working directory when under it
  int line = 0;      // 1-based
  int column = 0;    // 1-based

  std::string to_string() const;
};

// A string from the config together with where it was written, so later layers (the CLI validating rule ids,
// output formats) can point at the exact spot.
struct ConfigString {
  std::string value;
  ConfigPosition where;
};

// One entry of a table of strings, such as `DJ018 = "error"` under [check.severity].
struct ConfigEntry {
  ConfigString key;
  ConfigString value;
};

// [check]: the flags of `deployctl check`. Each member is nullopt when the key is absent.
struct CheckConfig {
  std::optional<ConfigString> settings;                // --settings
  std::optional<std::vector<ConfigString>> env_files;  // --env-file, made absolute against the config's directory
  std::optional<std::vector<ConfigString>> env;        // --env KEY=VALUE (not split or validated here)
  std::optional<std::vector<ConfigString>> select;     // --select: rule ids or prefixes, validated by the CLI
  std::optional<std::vector<ConfigString>> ignore;     // --ignore: likewise
  std::optional<ConfigString> fail_on;                 // --fail-on: already checked to be error|warning|info
  std::optional<ConfigString> format;                  // --format: validated by the CLI against its reporters
  std::optional<std::vector<ConfigEntry>> severity;    // per-rule override: rule id -> error|warning|info (checked)
};

struct ProjectConfig {
  std::filesystem::path path;   // the config file, absolute
  bool from_pyproject = false;  // the keys live under [tool.deployctl] in pyproject.toml
  CheckConfig check;

  // The directory relative paths in the config are resolved against.
  std::filesystem::path directory() const { return path.parent_path(); }
  // "deployctl.toml" or "pyproject.toml [tool.deployctl]": how to name the source in messages.
  std::string description() const;
};

// Looks for deployctl.toml from `project_dir` upwards to the filesystem root (the first found wins); when there
// is none anywhere, for a pyproject.toml with a [tool.deployctl] table, the same way. Nothing found: nullopt.
// A config that is found but invalid is an error naming file:line:col.
Result<std::optional<ProjectConfig>> find_project_config(const std::filesystem::path& project_dir);

// Reads one config file; `from_pyproject` selects the [tool.deployctl] table. A pyproject.toml without that
// table yields an empty ProjectConfig.
Result<ProjectConfig> load_project_config(const std::filesystem::path& config_file, bool from_pyproject);

// Parses config text; `config_file` names it in messages and anchors relative paths (it need not exist).
Result<ProjectConfig> parse_project_config(std::string_view text, const std::filesystem::path& config_file,
                                           bool from_pyproject);

}  // namespace deployctl
