// Settings discovery. Entry points are parsed, never run: only a string literal given to
// os.environ.setdefault('DJANGO_SETTINGS_MODULE', ...) or assigned to os.environ['DJANGO_SETTINGS_MODULE'] counts.
#include "checks/settings/discovery.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "checks/python/parser.hpp"
#include "checks/settings/module_resolver.hpp"
#include "core/files.hpp"

namespace deployctl::checks::settings {

namespace fs = std::filesystem;
namespace py = python;

namespace {

constexpr std::string_view settings_variable = "DJANGO_SETTINGS_MODULE";

// ---- reading an entry point ----------------------------------------------------------------------

const std::string* string_constant(const py::ExprPtr& expr) {
  const auto* constant = py::as<py::Constant>(expr);
  return constant ? std::get_if<std::string>(&constant->value) : nullptr;
}

// `os.environ`, or `environ` after `from os import environ`.
bool is_environ(const py::ExprPtr& expr) {
  if (const auto* name = py::as<py::Name>(expr)) return name->id == "environ";
  const auto* attribute = py::as<py::Attribute>(expr);
  if (attribute == nullptr || attribute->attr != "environ") return false;
  const auto* base = py::as<py::Name>(attribute->value);
  return base != nullptr && base->id == "os";
}

bool names_settings_variable(const py::ExprPtr& expr) {
  const std::string* text = string_constant(expr);
  return text != nullptr && *text == settings_variable;
}

// The expression a statement gives DJANGO_SETTINGS_MODULE, or null when it does not touch it.
py::ExprPtr settings_value_of(const py::Stmt& stmt) {
  if (const auto* expr_stmt = std::get_if<py::ExprStmt>(&stmt.node)) {
    const auto* call = py::as<py::Call>(expr_stmt->value);
    if (call == nullptr || call->args.size() < 2) return nullptr;
    const auto* method = py::as<py::Attribute>(call->func);
    if (method == nullptr || method->attr != "setdefault" || !is_environ(method->value)) return nullptr;
    return names_settings_variable(call->args[0]) ? call->args[1] : nullptr;
  }
  if (const auto* assign = std::get_if<py::Assign>(&stmt.node)) {
    for (const auto& target : assign->targets) {
      const auto* subscript = py::as<py::Subscript>(target);
      if (subscript != nullptr && is_environ(subscript->value) && names_settings_variable(subscript->slice))
        return assign->value;
    }
  }
  return nullptr;
}

// Walks every block in source order: module level, functions (manage.py's main), branches, try bodies.
std::optional<EntryPointSetting> find_in_block(const py::Block& block) {
  for (const auto& stmt : block) {
    if (const py::ExprPtr value = settings_value_of(*stmt)) {
      EntryPointSetting found;
      found.line = stmt->position.line;
      if (const std::string* module = string_constant(value)) found.module = *module;
      return found;
    }
    std::vector<const py::Block*> nested;
    std::visit(
        [&](const auto& node) {
          using Node = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<Node, py::If> || std::is_same_v<Node, py::For> ||
                        std::is_same_v<Node, py::While>) {
            nested = {&node.body, &node.orelse};
          } else if constexpr (std::is_same_v<Node, py::Try>) {
            nested.push_back(&node.body);
            for (const auto& handler : node.handlers) nested.push_back(&handler.body);
            nested.push_back(&node.orelse);
            nested.push_back(&node.finalbody);
          } else if constexpr (std::is_same_v<Node, py::FunctionDef> || std::is_same_v<Node, py::ClassDef> ||
                               std::is_same_v<Node, py::With>) {
            nested = {&node.body};
          }
        },
        stmt->node);
    for (const py::Block* inner : nested) {
      if (auto found = find_in_block(*inner)) return found;
    }
  }
  return std::nullopt;
}

// ---- where to look -------------------------------------------------------------------------------

// Immediate subdirectories, sorted, without hidden ones (.git, .venv) that never hold the project's code.
std::vector<fs::path> subdirectories(const fs::path& project_dir, const fs::path& relative) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (fs::directory_iterator it(project_dir / relative, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code type_error;
    if (name.starts_with(".") || name == "node_modules" || name == "__pycache__" || !it->is_directory(type_error))
      continue;
    found.push_back(relative / name);
  }
  std::ranges::sort(found);
  return found;
}

// The entry points that exist, relative to the project dir, production servers' first.
std::vector<fs::path> entry_points(const fs::path& project_dir) {
  std::vector<fs::path> candidates;
  const auto subdirs = subdirectories(project_dir, {});
  const auto src_subdirs = subdirectories(project_dir, "src");
  for (const std::string_view name : {"wsgi.py", "asgi.py"}) {
    candidates.emplace_back(name);
    for (const auto& dir : subdirs) candidates.push_back(dir / name);
    for (const auto& dir : src_subdirs) candidates.push_back(dir / name);
  }
  candidates.emplace_back("manage.py");
  candidates.emplace_back("src/manage.py");
  std::erase_if(candidates, [&](const fs::path& candidate) {
    std::error_code ec;
    return !fs::is_regular_file(project_dir / candidate, ec);
  });
  return candidates;
}

// A plausible name for the "how to name them" message: the first <dir>/settings.py or settings package.
std::string example_settings_module(const fs::path& project_dir) {
  auto dirs = subdirectories(project_dir, {});
  const auto src_dirs = subdirectories(project_dir, "src");
  dirs.insert(dirs.end(), src_dirs.begin(), src_dirs.end());
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (fs::is_regular_file(project_dir / dir / "settings.py", ec) ||
        fs::is_regular_file(project_dir / dir / "settings" / "__init__.py", ec)) {
      return dir.filename().string() + ".settings";
    }
  }
  return "mysite.settings";
}

// ---- naming and resolving ------------------------------------------------------------------------

bool is_identifier(std::string_view part) {
  if (part.empty() || std::isdigit(static_cast<unsigned char>(part.front()))) return false;
  return std::ranges::all_of(part, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return std::isalnum(byte) || c == '_' || byte >= 0x80;  // non-ASCII: Python allows Unicode identifiers
  });
}

bool is_dotted_name(std::string_view name) {
  while (true) {
    const auto dot = name.find('.');
    if (!is_identifier(name.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    name.remove_prefix(dot + 1);
  }
}

// "mysite/settings/production.py" -> "mysite.settings.production", for the hint when a path was given.
std::optional<std::string> module_name_from_path(std::string_view path) {
  std::string name(path);
  if (name.starts_with("./")) name.erase(0, 2);
  if (name.ends_with(".py")) name.resize(name.size() - 3);
  if (name.ends_with("/__init__")) name.resize(name.size() - 9);
  std::ranges::replace(name, '/', '.');
  if (!is_dotted_name(name)) return std::nullopt;
  return name;
}

std::string tried_paths(std::string_view module) {
  std::string relative(module);
  std::ranges::replace(relative, '.', '/');
  std::string out;
  for (const std::string_view root : {"", "src/"}) {
    for (const std::string_view suffix : {".py", "/__init__.py"}) {
      out += (out.empty() ? "" : ", ") + std::string(root) + relative + std::string(suffix);
    }
  }
  return out;
}

Result<DiscoveredSettings> resolve(const fs::path& project_dir, const std::string& module, const std::string& how) {
  if (!is_dotted_name(module)) {
    std::string message = "the settings module '" + module + "' (from " + how + ") is not a dotted module name";
    if (const auto hint = module_name_from_path(module)) message += "; write it as " + *hint;
    return fail(message + ", like mysite.settings.production");
  }
  auto file = resolve_module_file(project_dir, module);
  if (!file) {
    return fail("the settings module '" + module + "' (from " + how + ") is not a file under " + project_dir.string() +
                "; tried " + tried_paths(module) +
                ". Check the name, or run deployctl in the directory that contains manage.py");
  }
  return DiscoveredSettings{module, how, std::move(*file)};
}

}  // namespace

std::optional<EntryPointSetting> settings_module_set_in(std::string_view source, const std::string& filename) {
  auto parsed = py::parse_module(source, filename);
  const auto* module = std::get_if<py::Module>(&parsed);
  if (module == nullptr) return std::nullopt;  // a broken entry point tells us nothing
  return find_in_block(module->body);
}

Result<DiscoveredSettings> discover_settings_module(const fs::path& project_dir, std::optional<std::string> from_flag,
                                                    std::optional<std::string> from_config,
                                                    std::string_view config_name) {
  std::error_code ec;
  const auto status = fs::status(project_dir, ec);
  if (ec || !fs::exists(status)) return fail("project directory " + project_dir.string() + " does not exist");
  if (!fs::is_directory(status))
    return fail(project_dir.string() +
                " is not a directory; deployctl check takes the "
                "project directory (the one with manage.py)");

  if (from_flag) return resolve(project_dir, *from_flag, "--settings");
  if (from_config) return resolve(project_dir, *from_config, std::string(config_name));

  std::optional<std::string> unreadable_default;  // an entry point that sets the variable from an expression
  for (const auto& entry_point : entry_points(project_dir)) {
    const std::string how = entry_point.generic_string();
    auto text = read_text_file(project_dir / entry_point);
    if (!text) continue;
    const auto found = settings_module_set_in(*text, how);
    if (!found) continue;
    if (found->module) return resolve(project_dir, *found->module, how);
    if (!unreadable_default) unreadable_default = how + ":" + std::to_string(found->line);
  }

  const std::string example = example_settings_module(project_dir);
  std::string message = "cannot tell which settings module to check: ";
  if (unreadable_default) {
    message += *unreadable_default + " sets " + std::string(settings_variable) +
               " from an expression deployctl does not evaluate.";
  } else {
    message +=
        "no wsgi.py, asgi.py or manage.py in " + project_dir.string() + " sets " + std::string(settings_variable) + ".";
  }
  return fail(message + " Name the settings with --settings " + example + ", or with settings = \"" + example +
              "\" under [check] in deployctl.toml");
}

}  // namespace deployctl::checks::settings
