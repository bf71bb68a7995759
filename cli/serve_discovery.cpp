// Static discovery for `deployctl serve`: checks' discovery and evaluator, never an import of project code.
#include "cli/serve_discovery.hpp"

#include <algorithm>
#include <vector>

#include "checks/settings/discovery.hpp"
#include "checks/settings/environment.hpp"
#include "checks/settings/evaluator.hpp"

extern char** environ;

namespace deployctl::cli {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> packages_with(const fs::path& dir, const std::string& file_name) {
  std::vector<fs::path> found;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    std::error_code type_error;
    if (name.starts_with(".") || name == "__pycache__" || name == "node_modules" || !it->is_directory(type_error))
      continue;
    if (fs::is_regular_file(it->path() / file_name, type_error)) found.push_back(it->path());
  }
  std::ranges::sort(found);
  return found;
}

}  // namespace

Result<AppModule> find_app_module(const fs::path& project_dir, std::string_view kind) {
  const std::string file_name = std::string(kind) + ".py";
  const std::string suffix = "." + std::string(kind);
  std::error_code error;
  if (fs::is_regular_file(project_dir / file_name, error)) return AppModule{std::string(kind), project_dir};
  for (const fs::path& base : {project_dir, project_dir / "src"}) {
    const std::vector<fs::path> packages = packages_with(base, file_name);
    if (packages.size() == 1) return AppModule{packages.front().filename().string() + suffix, base};
    if (packages.size() > 1) {
      std::string names;
      for (const fs::path& package : packages)
        names += (names.empty() ? "" : ", ") + package.filename().string() + suffix;
      return fail("more than one " + std::string(kind == "asgi" ? "ASGI" : "WSGI") + " module in " +
                  project_dir.string() + " (" + names + "): name the app, e.g. 'deployctl serve " +
                  packages.front().filename().string() + suffix + ":application'");
    }
  }
  return fail("no " + file_name + " found in " + project_dir.string() + " (looked for " + file_name + ", */" +
              file_name + " and src/*/" + file_name + "): give the app as APP, e.g. 'deployctl serve mysite" + suffix +
              ":application', or --chdir to the project");
}

std::optional<std::string> find_settings_module(const fs::path& project_dir,
                                                const std::optional<std::string>& from_config) {
  auto found = checks::settings::discover_settings_module(project_dir, std::nullopt, from_config);
  if (!found) return std::nullopt;
  return found->module;
}

std::optional<std::string> default_static_mount(const fs::path& project_dir, const std::string& settings_module) {
  checks::settings::Environment environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text = *entry;
    const std::size_t equals = text.find('=');
    if (equals != std::string_view::npos)
      environment.variables.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  auto model = checks::settings::evaluate_settings(project_dir, settings_module, environment);
  if (!model) return std::nullopt;
  using Kind = checks::settings::Value::Kind;
  const auto* url = model->get("STATIC_URL");
  const auto* root = model->get("STATIC_ROOT");
  if (url == nullptr || root == nullptr || url->kind != Kind::string ||
      (root->kind != Kind::string && root->kind != Kind::path))
    return std::nullopt;
  std::string prefix = url->text;
  if (prefix.empty() || prefix.find("://") != std::string::npos || prefix.starts_with("//")) return std::nullopt;
  if (!prefix.starts_with("/")) prefix = "/" + prefix;
  if (!prefix.ends_with("/")) prefix += "/";
  fs::path directory = root->text;
  if (directory.is_relative()) directory = project_dir / directory;
  std::error_code error;
  if (!fs::is_directory(directory, error)) return std::nullopt;
  return prefix + "=" + fs::absolute(directory, error).lexically_normal().string();
}

}  // namespace deployctl::cli
