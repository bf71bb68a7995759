// Maps dotted module names to files under the project dir, the way Python's import system would find them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace deployctl::checks::settings {

// "config.settings.production" -> <project_dir>/config/settings/production.py, or
// <project_dir>/config/settings/production/__init__.py for a package. Also looks in <project_dir>/src.
std::optional<std::filesystem::path> resolve_module_file(const std::filesystem::path& project_dir,
                                                         std::string_view dotted_name);

// Resolves a relative import (`from ..base import *`, level 2) against the importing module's dotted name,
// `is_package` telling whether the importing file is an __init__.py. Nothing when it climbs past the top.
std::optional<std::string> absolute_module_name(std::string_view importer, bool is_package, int level,
                                                std::string_view module);

}  // namespace deployctl::checks::settings
