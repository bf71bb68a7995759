// Finds the ASGI module as the servers load it and walks its whole syntax tree (calls nest anywhere: in a
// ProtocolTypeRouter's dict, inside a function that builds the app) for the two Channels validators, named through
// the module's own imports so that `from channels.security.websocket import OriginValidator as OV` is seen too.
#include "checks/settings/asgi_module.hpp"

#include <map>
#include <string_view>
#include <type_traits>
#include <variant>

#include "checks/python/parser.hpp"
#include "checks/settings/project_modules.hpp"
#include "core/files.hpp"

namespace deployctl::checks::settings {

namespace {

namespace fs = std::filesystem;
using namespace python;

constexpr std::string_view validator_module = "channels.security.websocket";
constexpr std::string_view allowed_hosts_setting = "django.conf.settings.ALLOWED_HOSTS";

// What each bound name stands for, as a full dotted path: `from a.b import c as d` binds d to "a.b.c".
using Aliases = std::map<std::string, std::string, std::less<>>;

class Scan {
 public:
  std::vector<OriginValidatorCall> calls;

  void block(const Block& body) {
    for (const StmtPtr& stmt : body)
      if (stmt) statement(*stmt);
  }

 private:
  Aliases aliases_;

  // "a.b.c" for a chain of names and attributes, through the aliases; "" for anything else.
  std::string dotted(const ExprPtr& expr) const {
    if (const auto* name = as<Name>(expr)) {
      const auto found = aliases_.find(name->id);
      return found == aliases_.end() ? name->id : found->second;
    }
    if (const auto* attribute = as<Attribute>(expr)) {
      const std::string base = dotted(attribute->value);
      return base.empty() ? "" : base + "." + attribute->attr;
    }
    return {};
  }

  static bool has_wildcard(const ExprPtr& expr) {
    const std::vector<ExprPtr>* items = nullptr;
    if (const auto* list = as<ListExpr>(expr)) items = &list->elts;
    if (const auto* tuple = as<TupleExpr>(expr)) items = &tuple->elts;
    if (!items) return false;
    for (const ExprPtr& item : *items)
      if (const auto* constant = as<Constant>(item))
        if (const auto* text = std::get_if<std::string>(&constant->value); text && *text == "*") return true;
    return false;
  }

  void call(const Expr& expr, const Call& node) {
    const std::string function = dotted(node.func);
    if (function == std::string(validator_module) + ".AllowedHostsOriginValidator") {
      calls.push_back({expr.position, true, false});
    } else if (function == std::string(validator_module) + ".OriginValidator") {
      ExprPtr origins = node.args.size() > 1 ? node.args[1] : nullptr;
      for (const Keyword& keyword : node.keywords)
        if (keyword.arg == "allowed_origins") origins = keyword.value;
      calls.push_back({expr.position, dotted(origins) == allowed_hosts_setting, has_wildcard(origins)});
    }
  }

  void expression(const ExprPtr& pointer) {
    if (!pointer) return;
    const Expr& expr = *pointer;
    std::visit(
        [&](const auto& node) {
          using T = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<T, Call>) {
            call(expr, node);
            expression(node.func);
            expressions(node.args);
            for (const Keyword& keyword : node.keywords) expression(keyword.value);
          } else if constexpr (std::is_same_v<T, Attribute> || std::is_same_v<T, Starred>) {
            expression(node.value);
          } else if constexpr (std::is_same_v<T, Subscript>) {
            expression(node.value);
            expression(node.slice);
          } else if constexpr (std::is_same_v<T, BinOp>) {
            expression(node.left);
            expression(node.right);
          } else if constexpr (std::is_same_v<T, UnaryOp>) {
            expression(node.operand);
          } else if constexpr (std::is_same_v<T, BoolOp> || std::is_same_v<T, JoinedStr>) {
            expressions(node.values);
          } else if constexpr (std::is_same_v<T, IfExp>) {
            expression(node.test);
            expression(node.body);
            expression(node.orelse);
          } else if constexpr (std::is_same_v<T, ListExpr> || std::is_same_v<T, TupleExpr> ||
                               std::is_same_v<T, SetExpr>) {
            expressions(node.elts);
          } else if constexpr (std::is_same_v<T, DictExpr>) {
            expressions(node.keys);
            expressions(node.values);
          } else if constexpr (std::is_same_v<T, Comp>) {
            expression(node.elt);
            generators(node.generators);
          } else if constexpr (std::is_same_v<T, DictComp>) {
            expression(node.key);
            expression(node.value);
            generators(node.generators);
          } else if constexpr (std::is_same_v<T, NamedExpr>) {
            expression(node.value);
          }
        },
        expr.node);
  }

  void expressions(const std::vector<ExprPtr>& items) {
    for (const ExprPtr& item : items) expression(item);
  }

  void generators(const std::vector<Comprehension>& items) {
    for (const Comprehension& generator : items) {
      expression(generator.iter);
      expressions(generator.ifs);
    }
  }

  void statement(const Stmt& stmt) {
    std::visit(
        [&](const auto& node) {
          using T = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<T, Import>) {
            // `import a.b.c` binds a; `import a.b.c as d` binds d to a.b.c.
            for (const Alias& alias : node.names) {
              const std::string first = alias.name.substr(0, alias.name.find('.'));
              aliases_[alias.asname.value_or(first)] = alias.asname ? alias.name : first;
            }
          } else if constexpr (std::is_same_v<T, ImportFrom>) {
            if (node.level != 0 || !node.module) return;  // a relative import reaches only the project's own code
            for (const Alias& alias : node.names)
              aliases_[alias.asname.value_or(alias.name)] = *node.module + "." + alias.name;
          } else if constexpr (std::is_same_v<T, Assign>) {
            expression(node.value);
          } else if constexpr (std::is_same_v<T, AnnAssign> || std::is_same_v<T, AugAssign> ||
                               std::is_same_v<T, ExprStmt> || std::is_same_v<T, Return>) {
            expression(node.value);
          } else if constexpr (std::is_same_v<T, If> || std::is_same_v<T, While>) {
            expression(node.test);
            block(node.body);
            block(node.orelse);
          } else if constexpr (std::is_same_v<T, For>) {
            expression(node.iter);
            block(node.body);
            block(node.orelse);
          } else if constexpr (std::is_same_v<T, Try>) {
            block(node.body);
            for (const ExceptHandler& handler : node.handlers) block(handler.body);
            block(node.orelse);
            block(node.finalbody);
          } else if constexpr (std::is_same_v<T, With>) {
            for (const WithItem& item : node.items) expression(item.context_expr);
            block(node.body);
          } else if constexpr (std::is_same_v<T, FunctionDef> || std::is_same_v<T, ClassDef>) {
            block(node.body);
          }
        },
        stmt.node);
  }
};

// ASGI_APPLICATION's module when it is a known dotted path into the project, else `asgi` beside the settings
// package or in one of its parents (config/settings/production.py -> config/settings/asgi.py, config/asgi.py).
std::optional<fs::path> asgi_file(const SettingsModel& model) {
  if (const Value* setting = model.get("ASGI_APPLICATION"); setting && setting->is_string()) {
    const std::size_t dot = setting->text.rfind('.');
    if (dot == std::string::npos) return std::nullopt;
    const ProjectModule module = find_project_module(model.project_dir, setting->text.substr(0, dot));
    if (module.kind != ProjectModule::Kind::source) return std::nullopt;
    return module.file;
  }
  std::string package = model.settings_module;
  for (std::size_t dot = package.rfind('.'); dot != std::string::npos; dot = package.rfind('.')) {
    package.resize(dot);
    const ProjectModule module = find_project_module(model.project_dir, package + ".asgi");
    if (module.kind == ProjectModule::Kind::source) return module.file;
  }
  return std::nullopt;
}

}  // namespace

std::vector<OriginValidatorCall> origin_validator_calls(const Module& module) {
  Scan scan;
  scan.block(module.body);
  return std::move(scan.calls);
}

std::optional<AsgiModule> find_asgi_module(const SettingsModel& model) {
  if (model.project_dir.empty()) return std::nullopt;
  const std::optional<fs::path> file = asgi_file(model);
  if (!file) return std::nullopt;
  const auto text = read_text_file(*file);
  if (!text) return std::nullopt;
  const ParseResult parsed = parse_module(*text, file->filename().string());
  const Module* module = std::get_if<Module>(&parsed);
  if (!module) return std::nullopt;
  return AsgiModule{file->lexically_relative(model.project_dir), origin_validator_calls(*module)};
}

}  // namespace deployctl::checks::settings
