// Project modules found the way importlib's FileFinder finds them (packages, then modules, then extension and
// bytecode files; a bare directory is a namespace package), and their top-level names read from the ast.
#include "checks/settings/project_modules.hpp"

#include <array>
#include <variant>
#include <vector>

#include "checks/python/parser.hpp"
#include "core/files.hpp"

namespace deployctl::checks::settings {

namespace {

namespace fs = std::filesystem;
using namespace python;

std::vector<std::string> split(std::string_view dotted) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted.find('.', start);
    parts.emplace_back(dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

bool file_exists(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

bool directory_exists(const fs::path& path) {
  std::error_code error;
  return fs::is_directory(path, error);
}

// A compiled extension or a bytecode-only module named `name` in `directory` (name.cpython-311-x86_64.so, ...).
bool has_opaque_module(const fs::path& directory, const std::string& name) {
  std::error_code error;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    const std::string file = it->path().filename().string();
    if (!file.starts_with(name + ".")) continue;
    for (const std::string_view suffix : {".so", ".pyd", ".pyc"})
      if (file.ends_with(suffix)) return true;
  }
  return false;
}

// One component looked up in `directory`: the package, the module, an opaque module, a namespace directory.
ProjectModule find_in(const fs::path& directory, const std::string& name) {
  if (file_exists(directory / name / "__init__.py"))
    return {ProjectModule::Kind::source, directory / name / "__init__.py"};
  if (file_exists(directory / (name + ".py"))) return {ProjectModule::Kind::source, directory / (name + ".py")};
  if (has_opaque_module(directory, name)) return {ProjectModule::Kind::opaque, {}};
  if (directory_exists(directory / name)) return {ProjectModule::Kind::namespace_package, {}};
  return {ProjectModule::Kind::missing, {}};
}

class NameScan {
 public:
  ModuleNames found;

  void block(const Block& statements, bool top_level) {
    for (const StmtPtr& statement : statements)
      if (statement) std::visit([&](const auto& node) { this->statement(node, top_level); }, statement->node);
  }

 private:
  void bind(const ExprPtr& target) {
    if (const Name* name = as<Name>(target)) found.names.insert(name->id);
    if (const TupleExpr* tuple = as<TupleExpr>(target))
      for (const ExprPtr& item : tuple->elts) bind(item);
    if (const ListExpr* list = as<ListExpr>(target))
      for (const ExprPtr& item : list->elts) bind(item);
    if (const Starred* starred = as<Starred>(target)) bind(starred->value);
  }

  void statement(const Assign& node, bool top_level) {
    if (top_level)
      for (const ExprPtr& target : node.targets) bind(target);
  }
  void statement(const AnnAssign& node, bool top_level) {
    if (top_level && node.value) bind(node.target);
  }
  void statement(const AugAssign& node, bool top_level) {
    if (top_level) bind(node.target);
  }
  void statement(const FunctionDef& node, bool top_level) {
    if (top_level) found.names.insert(node.name);
    if (top_level && node.name == "__getattr__") found.open = true;  // PEP 562: any name may resolve
    block(node.body, false);                                         // for `global` statements
  }
  void statement(const ClassDef& node, bool top_level) {
    if (top_level) found.names.insert(node.name);
  }
  void statement(const Import& node, bool top_level) {
    if (!top_level) return;
    for (const Alias& alias : node.names)
      found.names.insert(alias.asname ? *alias.asname : alias.name.substr(0, alias.name.find('.')));
  }
  void statement(const ImportFrom& node, bool top_level) {
    if (!top_level) return;
    for (const Alias& alias : node.names) {
      if (alias.name == "*") found.open = true;
      found.names.insert(alias.asname ? *alias.asname : alias.name);
    }
  }
  void statement(const Global& node, bool) { found.names.insert(node.names.begin(), node.names.end()); }
  void statement(const If& node, bool top_level) {
    block(node.body, top_level);
    block(node.orelse, top_level);
  }
  void statement(const Try& node, bool top_level) {
    block(node.body, top_level);
    for (const ExceptHandler& handler : node.handlers) {
      if (top_level && handler.name) found.names.insert(*handler.name);
      block(handler.body, top_level);
    }
    block(node.orelse, top_level);
    block(node.finalbody, top_level);
  }
  void statement(const For& node, bool top_level) {
    if (top_level) bind(node.target);
    block(node.body, top_level);
    block(node.orelse, top_level);
  }
  void statement(const While& node, bool top_level) {
    block(node.body, top_level);
    block(node.orelse, top_level);
  }
  void statement(const With& node, bool top_level) {
    for (const WithItem& item : node.items)
      if (top_level && item.optional_vars) bind(item.optional_vars);
    block(node.body, top_level);
  }
  void statement(const OtherStmt& node, bool top_level) {
    if (top_level && node.type_name == "Match") found.open = true;  // its capture patterns bind names
  }
  template <typename Other>
  void statement(const Other&, bool) {}
};

// Text that lets a module bind names no statement shows; a plain search, so a mention in a comment also counts.
bool binds_dynamically(std::string_view text) {
  static constexpr std::array<std::string_view, 7> markers = {"globals()",   "vars()",   "setattr(", "exec(",
                                                              "sys.modules", "__dict__", ":="};
  for (const std::string_view marker : markers)
    if (text.find(marker) != std::string_view::npos) return true;
  return false;
}

}  // namespace

ProjectModule find_project_module(const fs::path& project_dir, std::string_view dotted) {
  const std::vector<std::string> parts = split(dotted);
  for (const std::string& part : parts)
    if (part.empty() || part == "." || part == "..") return {ProjectModule::Kind::outside, {}};  // no import path
  for (const fs::path& root : {project_dir, project_dir / "src"}) {
    ProjectModule top = find_in(root, parts.front());
    // A bare directory at the top is a namespace portion, which any regular package of that name installed
    // elsewhere on sys.path wins over: not certainly the project's.
    if (top.kind == ProjectModule::Kind::missing || top.kind == ProjectModule::Kind::namespace_package) continue;
    fs::path directory = root / parts.front();
    ProjectModule current = top;
    for (std::size_t i = 1; i < parts.size(); ++i) {
      // Only a package has submodules: below a plain module, or an opaque one, nothing can be said.
      const bool package = current.kind == ProjectModule::Kind::namespace_package ||
                           (current.kind == ProjectModule::Kind::source && current.file.filename() == "__init__.py");
      if (current.kind == ProjectModule::Kind::opaque) return current;
      if (!package) return {ProjectModule::Kind::missing, {}};
      current = find_in(directory, parts[i]);
      if (current.kind == ProjectModule::Kind::missing) return current;
      directory /= parts[i];
    }
    return current;
  }
  return {ProjectModule::Kind::outside, {}};
}

std::optional<ModuleNames> module_names(const fs::path& file) {
  const auto text = read_text_file(file);
  if (!text) return std::nullopt;
  const ParseResult parsed = parse_module(*text, file.filename().string());
  const Module* module = std::get_if<Module>(&parsed);
  if (!module) return std::nullopt;
  NameScan scan;
  scan.block(module->body, true);
  if (binds_dynamically(*text)) scan.found.open = true;
  return std::move(scan.found);
}

}  // namespace deployctl::checks::settings
