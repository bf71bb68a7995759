// Our model of Python source: the subset of CPython's ast that settings modules use, as plain C++ values.
// Produced by parse_module (checks/python/parser.hpp) from CPython's own parser; anything the evaluator
// has no use for is kept as OtherExpr/OtherStmt with its CPython type name, never dropped silently.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace deployctl::checks::python {

// 1-based line and column (columns count Unicode code points, as editors do); end_* as CPython gives them.
struct Position {
  int line = 0;
  int column = 0;
  int end_line = 0;
  int end_column = 0;
};

struct Expr;
struct Stmt;
using ExprPtr = std::shared_ptr<const Expr>;
using StmtPtr = std::shared_ptr<const Stmt>;
using Block = std::vector<StmtPtr>;

enum class BinaryOperator {
  add,
  sub,
  mult,
  mat_mult,
  div,
  mod,
  pow,
  lshift,
  rshift,
  bit_or,
  bit_xor,
  bit_and,
  floor_div
};
enum class UnaryOperator { invert, logical_not, plus, minus };
enum class BoolOperator { logical_and, logical_or };
enum class CompareOperator { eq, not_eq_, lt, lt_e, gt, gt_e, is, is_not, in, not_in };

// ---- expressions -------------------------------------------------------------------------------

struct NoneLiteral {
  bool operator==(const NoneLiteral&) const = default;
};
struct EllipsisLiteral {
  bool operator==(const EllipsisLiteral&) const = default;
};
struct BigInt {  // an int literal outside int64, kept as its decimal digits
  std::string digits;
  bool operator==(const BigInt&) const = default;
};
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};
// bool before int64 matters: True is a bool here, never the integer 1.
using ConstantValue =
    std::variant<NoneLiteral, bool, std::int64_t, BigInt, double, std::string, Bytes, EllipsisLiteral>;

struct Constant {
  ConstantValue value;
};
struct Name {
  std::string id;
};
struct Attribute {
  ExprPtr value;
  std::string attr;
};
struct Subscript {
  ExprPtr value;
  ExprPtr slice;
};
struct Slice {
  ExprPtr lower, upper, step;
};  // each may be null
struct Keyword {
  std::optional<std::string> arg;
  ExprPtr value;
  Position position;
};  // arg empty for **kwargs
struct Call {
  ExprPtr func;
  std::vector<ExprPtr> args;
  std::vector<Keyword> keywords;
};
struct BinOp {
  ExprPtr left;
  BinaryOperator op;
  ExprPtr right;
};
struct UnaryOp {
  UnaryOperator op;
  ExprPtr operand;
};
struct BoolOp {
  BoolOperator op;
  std::vector<ExprPtr> values;
};
struct Compare {
  ExprPtr left;
  std::vector<CompareOperator> ops;
  std::vector<ExprPtr> comparators;
};
struct IfExp {
  ExprPtr test, body, orelse;
};
struct ListExpr {
  std::vector<ExprPtr> elts;
};
struct TupleExpr {
  std::vector<ExprPtr> elts;
};
struct SetExpr {
  std::vector<ExprPtr> elts;
};
struct DictExpr {
  std::vector<ExprPtr> keys;
  std::vector<ExprPtr> values;
};  // a null key is `**value`
struct FormattedValue {
  ExprPtr value;
  int conversion = -1;
  ExprPtr format_spec;
};  // conversion: -1, 's', 'r', 'a'
struct JoinedStr {
  std::vector<ExprPtr> values;
};  // f-string: Constant and FormattedValue parts
struct Comprehension {
  ExprPtr target;
  ExprPtr iter;
  std::vector<ExprPtr> ifs;
  bool is_async = false;
};
enum class ComprehensionKind { list, set, generator };
struct Comp {
  ComprehensionKind kind;
  ExprPtr elt;
  std::vector<Comprehension> generators;
};
struct DictComp {
  ExprPtr key;
  ExprPtr value;
  std::vector<Comprehension> generators;
};
struct Starred {
  ExprPtr value;
};
struct NamedExpr {
  ExprPtr target;
  ExprPtr value;
};
struct Lambda {};
struct OtherExpr {
  std::string type_name;
};  // Await, Yield, ...: always "unknown" to the evaluator

using ExprNode = std::variant<Constant, Name, Attribute, Subscript, Slice, Call, BinOp, UnaryOp, BoolOp, Compare, IfExp,
                              ListExpr, TupleExpr, SetExpr, DictExpr, FormattedValue, JoinedStr, Comp, DictComp,
                              Starred, NamedExpr, Lambda, OtherExpr>;

struct Expr {
  Position position;
  ExprNode node;
};

// ---- statements --------------------------------------------------------------------------------

struct Alias {
  std::string name;
  std::optional<std::string> asname;
  Position position;
};
struct Assign {
  std::vector<ExprPtr> targets;
  ExprPtr value;
};  // a = b = value has two targets
struct AugAssign {
  ExprPtr target;
  BinaryOperator op;
  ExprPtr value;
};
struct AnnAssign {
  ExprPtr target;
  ExprPtr annotation;
  ExprPtr value;
};  // value may be null
struct ExprStmt {
  ExprPtr value;
};
struct If {
  ExprPtr test;
  Block body;
  Block orelse;
};
struct ExceptHandler {
  ExprPtr type;
  std::optional<std::string> name;
  Block body;
  Position position;
};  // type null: bare except
struct Try {
  Block body;
  std::vector<ExceptHandler> handlers;
  Block orelse;
  Block finalbody;
};
struct Import {
  std::vector<Alias> names;
};
struct ImportFrom {
  std::optional<std::string> module;
  std::vector<Alias> names;
  int level = 0;
};  // names[0].name == "*" for star
// One parameter of a def, in CPython's order: positional-only and ordinary ones, *args, keyword-only, **kwargs.
enum class ParameterKind { positional, var_positional, keyword_only, var_keyword };
struct Parameter {
  std::string name;
  ParameterKind kind = ParameterKind::positional;
  ExprPtr default_value;
};  // default may be null
struct FunctionDef {
  std::string name;
  Block body;
  std::vector<Parameter> parameters;
};
struct ClassDef {
  std::string name;
  Block body;
  std::vector<ExprPtr> bases;
};
struct Return {
  ExprPtr value;
};  // value null: `return`
struct Raise {
  ExprPtr exception;
};  // exception null: a bare `raise`
struct For {
  ExprPtr target;
  ExprPtr iter;
  Block body;
  Block orelse;
};
struct While {
  ExprPtr test;
  Block body;
  Block orelse;
};
struct WithItem {
  ExprPtr context_expr;
  ExprPtr optional_vars;
};
struct With {
  std::vector<WithItem> items;
  Block body;
};
struct Delete {
  std::vector<ExprPtr> targets;
};
struct Pass {};
struct Global {
  std::vector<std::string> names;
};
struct OtherStmt {
  std::string type_name;
};  // Assert, Match, Break, ...

using StmtNode = std::variant<Assign, AugAssign, AnnAssign, ExprStmt, If, Try, Import, ImportFrom, FunctionDef,
                              ClassDef, For, While, With, Delete, Pass, Global, Return, Raise, OtherStmt>;

struct Stmt {
  Position position;
  StmtNode node;
};

struct Module {
  Block body;
};

// Convenience for the evaluator and rules.
template <typename T>
const T* as(const ExprPtr& expr) {
  return expr ? std::get_if<T>(&expr->node) : nullptr;
}
template <typename T>
const T* as(const StmtPtr& stmt) {
  return stmt ? std::get_if<T>(&stmt->node) : nullptr;
}

}  // namespace deployctl::checks::python
