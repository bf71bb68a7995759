// Python's import lookup for project modules: packages (dir/__init__.py) before modules (name.py), as
// importlib's FileFinder does, in the project dir and then in <project>/src.
#include "checks/settings/module_resolver.hpp"

#include <vector>

namespace deployctl::checks::settings {

namespace fs = std::filesystem;

namespace {

bool is_identifier(std::string_view part) {
  if (part.empty()) return false;
  const auto head = static_cast<unsigned char>(part.front());
  if (!(head == '_' || (head >= 'a' && head <= 'z') || (head >= 'A' && head <= 'Z') || head >= 0x80)) return false;
  for (const char c : part) {
    const auto u = static_cast<unsigned char>(c);
    if (!(u == '_' || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u >= 0x80))
      return false;
  }
  return true;
}

std::optional<std::vector<std::string>> split_dotted(std::string_view dotted) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted.find('.', start);
    const std::string_view part = dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start);
    if (!is_identifier(part)) return std::nullopt;
    parts.emplace_back(part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

}  // namespace

std::optional<fs::path> resolve_module_file(const fs::path& project_dir, std::string_view dotted_name) {
  const auto parts = split_dotted(dotted_name);
  if (!parts || project_dir.empty()) return std::nullopt;
  for (const fs::path& root : {project_dir, project_dir / "src"}) {
    fs::path base = root;
    for (std::size_t i = 0; i + 1 < parts->size(); ++i) base /= (*parts)[i];
    const fs::path package = base / parts->back() / "__init__.py";
    if (is_file(package)) return package;
    const fs::path module = base / (parts->back() + ".py");
    if (is_file(module)) return module;
  }
  return std::nullopt;
}

std::optional<std::string> absolute_module_name(std::string_view importer, bool is_package, int level,
                                                std::string_view module) {
  if (level <= 0) return std::string(module);
  std::string package(importer);
  if (!is_package) {
    const std::size_t dot = package.rfind('.');
    package = dot == std::string::npos ? std::string() : package.substr(0, dot);
  }
  for (int i = 1; i < level; ++i) {
    if (package.empty()) return std::nullopt;
    const std::size_t dot = package.rfind('.');
    package = dot == std::string::npos ? std::string() : package.substr(0, dot);
  }
  if (package.empty()) return std::nullopt;
  if (module.empty()) return package;
  return package + "." + std::string(module);
}

}  // namespace deployctl::checks::settings
