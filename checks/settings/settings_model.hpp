// The evaluated settings of one project: the final module namespace plus everything the evaluation saw.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "checks/findings/finding.hpp"
#include "checks/findings/source_file.hpp"
#include "checks/settings/value.hpp"

namespace deployctl::checks::settings {

struct SettingsModel {
  std::filesystem::path project_dir;
  std::string settings_module;                       // dotted name of the entry module
  std::string settings_file;                         // its path relative to project_dir
  std::map<std::string, Value, std::less<>> values;  // the entry module's final namespace
  std::vector<SourceFile> files;                     // every project file the evaluation read, entry first
  std::vector<EnvRead> env_reads;                    // every environment read, in evaluation order
  std::vector<Finding> problems;                     // syntax errors, import cycles, unreadable files (DPL rules)
  // False when a star import from code the evaluation cannot see (or another unseen binding) may have bound more
  // names in the entry module: a setting absent from `values` is then unknown, not Django's default.
  bool namespace_complete = true;
  // !namespace_complete: the construct that may bind names deployctl cannot see, and where (for messages).
  std::string namespace_incomplete_because;

  // The setting's value, or null when the settings never assign it (Django's default then applies).
  const Value* get(std::string_view name) const;
  // The source of a file the evaluation read, or null.
  const SourceFile* file(std::string_view path) const;
};

}  // namespace deployctl::checks::settings
