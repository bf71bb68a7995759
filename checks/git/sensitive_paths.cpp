// Path classification for the repository checks: names only, except for the PEM content test.
#include "checks/git/sensitive_paths.hpp"

#include <array>
#include <string>

namespace deployctl::checks::git {

namespace {

std::string_view base_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool has_suffix(std::string_view name, std::string_view suffix) { return name.ends_with(suffix); }

// The directories of `path`, each followed by '/': "a/b/c.py" -> "a/", "b/".
bool has_directory(std::string_view path, std::string_view directory) {
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) return false;
    if (path.substr(start, slash - start) == directory) return true;
    start = slash + 1;
  }
}

constexpr std::array<std::string_view, 5> template_markers = {"example", "sample", "template", "dist", "defaults"};

}  // namespace

bool is_env_file(std::string_view path) {
  const std::string name = lower(base_name(path));
  const bool env_named = name == ".env" || name.starts_with(".env.") || (name.size() > 4 && has_suffix(name, ".env"));
  if (!env_named) return false;
  for (const std::string_view marker : template_markers)
    if (name.find(marker) != std::string::npos) return false;
  return true;
}

bool is_private_key_name(std::string_view path) {
  const std::string name = lower(base_name(path));
  for (const std::string_view key_name : {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"})
    if (name == key_name) return true;
  for (const std::string_view suffix : {".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk"})
    if (name.size() > suffix.size() && has_suffix(name, suffix)) return true;
  return false;
}

bool is_pem(std::string_view path) { return has_suffix(lower(base_name(path)), ".pem"); }

bool pem_holds_private_key(std::string_view content) {
  return content.find("PRIVATE KEY-----") != std::string_view::npos;
}

bool is_python_source(std::string_view path) { return has_suffix(path, ".py"); }

bool is_settings_like(std::string_view path) {
  if (is_env_file(path)) return true;
  const std::string name = lower(base_name(path));
  const std::string lowered = lower(path);
  if (is_python_source(name)) {
    if (name == "settings.py" || name.starts_with("settings_") || has_suffix(name, "_settings.py")) return true;
    return has_directory(lowered, "settings") || has_directory(lowered, "config");
  }
  for (const std::string_view suffix : {".ini", ".cfg", ".toml", ".yaml", ".yml", ".json"}) {
    if (!has_suffix(name, suffix)) continue;
    for (const std::string_view word : {"settings", "secret", "credential"})
      if (name.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace deployctl::checks::git
