// The secret extractor of the history scan: an AST walk for Python, the dotenv parser for env files. It looks at
// literals only; what the static evaluator computes is the SK/DB rules' business.
#include "checks/git/secret_literals.hpp"

#include <functional>
#include <optional>
#include <variant>

#include "checks/findings/secret_text.hpp"
#include "checks/git/sensitive_paths.hpp"
#include "checks/python/parser.hpp"
#include "checks/settings/env_file.hpp"

namespace deployctl::checks::git {

namespace {

using namespace python;

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::uint64_t digest_of(std::string_view value) { return std::hash<std::string_view>{}(value); }

const std::string* string_constant(const ExprPtr& expr) {
  const Constant* constant = as<Constant>(expr);
  return constant ? std::get_if<std::string>(&constant->value) : nullptr;
}

class PythonScan {
 public:
  explicit PythonScan(std::string_view path) : path_(path) {}
  std::vector<SecretLiteral> found;

  void block(const Block& statements) {
    for (const StmtPtr& statement : statements)
      if (statement) std::visit([&](const auto& node) { this->statement(node, statement->position); }, statement->node);
  }

 private:
  std::string_view path_;
  int debug_only_ = 0;  // how many `if DEBUG:` branches enclose the statement being read

  void add(std::string name, std::string_view value, const Position& where, bool is_setting = false,
           std::string_view url = {}, std::optional<std::string_view> host = std::nullopt) {
    SecretWeighing weight = weigh_secret(value, SecretPlace{path_, url, host, debug_only_ > 0});
    if (weight.weight == SecretWeight::not_a_secret) return;
    found.push_back({std::move(name), sized(value, "literal"), where.line, where.column, digest_of(value), is_setting,
                     std::move(weight)});
  }

  // `NAME = 'literal'`, and SECRET_KEY_FALLBACKS = ['old', ...].
  void assigned(const ExprPtr& target, const ExprPtr& value) {
    std::string name;
    if (const Name* plain = as<Name>(target))
      name = plain->id;
    else if (const Attribute* attribute = as<Attribute>(target))
      name = attribute->attr;
    if (name.empty() || !value) return;
    if (const std::string* text = string_constant(value); text && is_secret_name(name))
      add(name, *text, value->position, true);
    if (upper(name) == "SECRET_KEY_FALLBACKS")
      if (const ListExpr* list = as<ListExpr>(value))
        for (const ExprPtr& item : list->elts)
          if (const std::string* text = string_constant(item)) add(name, *text, item->position, true);
  }

  void statement(const Assign& node, const Position&) {
    for (const ExprPtr& target : node.targets) assigned(target, node.value);
    for (const ExprPtr& target : node.targets) expression(target);
    expression(node.value);
  }
  void statement(const AnnAssign& node, const Position&) {
    assigned(node.target, node.value);
    expression(node.value);
  }
  void statement(const AugAssign& node, const Position&) { expression(node.value); }
  void statement(const ExprStmt& node, const Position&) { expression(node.value); }
  void statement(const If& node, const Position&) {
    expression(node.test);
    const std::optional<bool> debug = debug_test(node.test);
    branch(node.body, debug == true);
    branch(node.orelse, debug == false);
  }
  void branch(const Block& statements, bool debug_only) {
    debug_only_ += debug_only;
    block(statements);
    debug_only_ -= debug_only;
  }
  // DEBUG, settings.DEBUG, DEBUG is True, DEBUG == True: true; `not DEBUG`: false; anything else: nothing.
  static std::optional<bool> debug_test(const ExprPtr& test) {
    if (!test) return std::nullopt;
    if (const UnaryOp* negated = as<UnaryOp>(test); negated && negated->op == UnaryOperator::logical_not) {
      const std::optional<bool> inner = debug_test(negated->operand);
      return inner ? std::optional<bool>(!*inner) : std::nullopt;
    }
    if (const Compare* compare = as<Compare>(test); compare && compare->ops.size() == 1) {
      const Constant* constant = as<Constant>(compare->comparators.front());
      const bool* flag = constant ? std::get_if<bool>(&constant->value) : nullptr;
      const CompareOperator op = compare->ops.front();
      if (flag == nullptr || (op != CompareOperator::is && op != CompareOperator::eq)) return std::nullopt;
      const std::optional<bool> inner = debug_test(compare->left);
      return inner ? std::optional<bool>(*inner == *flag) : std::nullopt;
    }
    if (const Name* name = as<Name>(test); name && name->id == "DEBUG") return true;
    if (const Attribute* attribute = as<Attribute>(test); attribute && attribute->attr == "DEBUG") return true;
    return std::nullopt;
  }
  void statement(const Try& node, const Position&) {
    block(node.body);
    for (const ExceptHandler& handler : node.handlers) block(handler.body);
    block(node.orelse);
    block(node.finalbody);
  }
  void statement(const FunctionDef& node, const Position&) { block(node.body); }
  void statement(const ClassDef& node, const Position&) { block(node.body); }
  void statement(const For& node, const Position&) {
    expression(node.iter);
    block(node.body);
    block(node.orelse);
  }
  void statement(const While& node, const Position&) {
    expression(node.test);
    block(node.body);
    block(node.orelse);
  }
  void statement(const With& node, const Position&) {
    for (const WithItem& item : node.items) expression(item.context_expr);
    block(node.body);
  }
  template <typename Other>
  void statement(const Other&, const Position&) {}

  // {'PASSWORD': 'literal'}; os.environ.get('DB_PASSWORD', 'literal'), config('SECRET_KEY', default='literal');
  // any 'scheme://user:password@host' string.
  void expression(const ExprPtr& expr) {
    if (!expr) return;
    std::visit([&](const auto& node) { this->node(node, *expr); }, expr->node);
  }
  void all(const std::vector<ExprPtr>& exprs) {
    for (const ExprPtr& expr : exprs) expression(expr);
  }

  void node(const Constant& constant, const Expr& expr) {
    if (const std::string* text = std::get_if<std::string>(&constant.value))
      if (const auto url = url_credentials(*text)) add("a URL's password", url->password, expr.position, false, *text);
  }
  void node(const DictExpr& dict, const Expr&) {
    const std::optional<std::string_view> host = dict_host(dict);
    for (std::size_t i = 0; i < dict.keys.size() && i < dict.values.size(); ++i) {
      const std::string* key = string_constant(dict.keys[i]);
      const std::string* value = string_constant(dict.values[i]);
      if (key && value && is_secret_name(*key)) add(*key, *value, dict.values[i]->position, false, {}, host);
    }
    all(dict.keys);
    all(dict.values);
  }
  // The HOST of a DATABASES-style dict: a literal, or the literal default of an environment read
  // (os.environ.get('DB_HOST', 'localhost')); nothing when there is none or it is computed.
  static std::optional<std::string_view> dict_host(const DictExpr& dict) {
    for (std::size_t i = 0; i < dict.keys.size() && i < dict.values.size(); ++i) {
      const std::string* key = string_constant(dict.keys[i]);
      if (key == nullptr || upper(*key) != "HOST" || !dict.values[i]) continue;
      if (const std::string* text = string_constant(dict.values[i])) return *text;
      if (const Call* call = as<Call>(dict.values[i]); call && call->args.size() == 2)
        if (const std::string* fallback = string_constant(call->args[1])) return *fallback;
      return std::nullopt;
    }
    return std::nullopt;
  }

  void node(const Call& call, const Expr&) {
    const std::string* variable = call.args.empty() ? nullptr : string_constant(call.args.front());
    if (variable && is_secret_name(*variable)) {
      ExprPtr fallback = call.args.size() > 1 ? call.args[1] : nullptr;
      for (const Keyword& keyword : call.keywords)
        if (keyword.arg == "default") fallback = keyword.value;
      if (const std::string* text = string_constant(fallback)) add(*variable, *text, fallback->position);
    }
    expression(call.func);
    all(call.args);
    for (const Keyword& keyword : call.keywords) expression(keyword.value);
  }
  void node(const Attribute& attribute, const Expr&) { expression(attribute.value); }
  void node(const Subscript& subscript, const Expr&) {
    expression(subscript.value);
    expression(subscript.slice);
  }
  void node(const BinOp& op, const Expr&) {
    expression(op.left);
    expression(op.right);
  }
  void node(const UnaryOp& op, const Expr&) { expression(op.operand); }
  void node(const BoolOp& op, const Expr&) { all(op.values); }
  void node(const Compare& compare, const Expr&) {
    expression(compare.left);
    all(compare.comparators);
  }
  void node(const IfExp& choice, const Expr&) {
    expression(choice.test);
    expression(choice.body);
    expression(choice.orelse);
  }
  void node(const ListExpr& list, const Expr&) { all(list.elts); }
  void node(const TupleExpr& tuple, const Expr&) { all(tuple.elts); }
  void node(const SetExpr& set, const Expr&) { all(set.elts); }
  void node(const Starred& starred, const Expr&) { expression(starred.value); }
  void node(const NamedExpr& named, const Expr&) { expression(named.value); }
  template <typename Other>
  void node(const Other&, const Expr&) {}
};

std::vector<SecretLiteral> scan_env_text(std::string_view text, std::string_view path) {
  std::vector<SecretLiteral> found;
  const auto entries = settings::parse_env_text(text, std::string(path));
  if (!entries) return found;
  for (const settings::EnvFileEntry& entry : *entries) {
    if (entry.value.empty()) continue;
    if (is_secret_name(entry.name)) {
      SecretWeighing weight = weigh_secret(entry.value, path);
      if (weight.weight != SecretWeight::not_a_secret)
        found.push_back({entry.name, sized(entry.value, "literal"), entry.line, 1, digest_of(entry.value), false,
                         std::move(weight)});
    } else if (const auto url = url_credentials(entry.value)) {
      SecretWeighing weight = weigh_secret(url->password, path, entry.value);
      if (weight.weight != SecretWeight::not_a_secret)
        found.push_back({"a URL's password in " + entry.name, sized(url->password, "literal"), entry.line, 1,
                         digest_of(url->password), false, std::move(weight)});
    }
  }
  return found;
}

}  // namespace

std::vector<SecretLiteral> find_secret_literals(std::string_view text, std::string_view path) {
  if (!is_python_source(path)) return scan_env_text(text, path);
  const ParseResult parsed = parse_module(text, std::string(path));
  const Module* module = std::get_if<Module>(&parsed);
  if (module == nullptr) return {};
  PythonScan scan(path);
  scan.block(module->body);
  return std::move(scan.found);
}

}  // namespace deployctl::checks::git
