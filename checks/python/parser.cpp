// The bridge from CPython's parser to our model (ast.hpp). CPython's PEG parser builds its C-level tree in an
// arena (nothing compiled, nothing executed); this file walks that tree once and copies what we model. Reading
// the C tree, not ast.AST objects, spares every run the _ast module's ~120 classes and one Python object per node.
#include "python/py_ref.hpp"  // Python.h first, as CPython requires

// CPython's internal parser API: reachable because CPython is linked statically (cmake/Dependencies.cmake).
#define Py_BUILD_CORE 1
#include <internal/pycore_ast.h>
#include <internal/pycore_parser.h>
#undef Py_BUILD_CORE

#include "checks/python/parser.hpp"

#include <functional>
#include <unordered_map>

#include "python/errors.hpp"
#include "python/interpreter.hpp"

namespace deployctl::checks::python {

// The interpreter layer (python/) is ::deployctl::python; this namespace is the bridge from its parser.
namespace embedded = ::deployctl::python;
using embedded::PyRef;

namespace {

// Deeper trees than this (e.g. `1+1+...` with thousands of terms) are cut off as OtherExpr: settings never
// nest like that, and an unbounded walk could exhaust the stack.
constexpr int max_depth = 200;

// Owns the arena the C tree lives in; freeing it releases the tree and the constants it holds.
class Arena {
 public:
  Arena() : arena_(_PyArena_New()) {
    if (!arena_) embedded::throw_error("cannot allocate a parser arena");
  }
  ~Arena() { _PyArena_Free(arena_); }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  PyArena* get() const { return arena_; }

 private:
  PyArena* arena_;
};

// Converts CPython's UTF-8 byte offsets to code point columns.
class ColumnMap {
 public:
  explicit ColumnMap(std::string_view source) : source_(source) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < source.size(); ++i)
      if (source[i] == '\n') line_starts_.push_back(i + 1);
  }
  // 1-based line, 0-based byte offset -> 1-based code point column.
  int column(int line, int byte_offset) const {
    if (line < 1 || static_cast<std::size_t>(line) > line_starts_.size() || byte_offset < 0) return byte_offset + 1;
    const std::size_t start = line_starts_[static_cast<std::size_t>(line) - 1];
    const std::size_t end = std::min(source_.size(), start + static_cast<std::size_t>(byte_offset));
    int column = 1;
    for (std::size_t i = start; i < end; ++i)
      if ((static_cast<unsigned char>(source_[i]) & 0xC0) != 0x80) ++column;
    return column;
  }

 private:
  std::string_view source_;
  std::vector<std::size_t> line_starts_;
};

// The names CPython's ast module gives the node kinds we keep only as OtherExpr / OtherStmt.
const char* expr_kind_name(_expr_kind kind) {
  switch (kind) {
    case Await_kind: return "Await";
    case Yield_kind: return "Yield";
    case YieldFrom_kind: return "YieldFrom";
    default: return "expr";
  }
}

const char* stmt_kind_name(_stmt_kind kind) {
  switch (kind) {
    case Match_kind: return "Match";
    case Assert_kind: return "Assert";
    case Nonlocal_kind: return "Nonlocal";
    case Break_kind: return "Break";
    case Continue_kind: return "Continue";
    default: return "stmt";
  }
}

BinaryOperator binary_operator(operator_ty op) {
  switch (op) {
    case Sub: return BinaryOperator::sub;
    case Mult: return BinaryOperator::mult;
    case MatMult: return BinaryOperator::mat_mult;
    case Div: return BinaryOperator::div;
    case Mod: return BinaryOperator::mod;
    case Pow: return BinaryOperator::pow;
    case LShift: return BinaryOperator::lshift;
    case RShift: return BinaryOperator::rshift;
    case BitOr: return BinaryOperator::bit_or;
    case BitXor: return BinaryOperator::bit_xor;
    case BitAnd: return BinaryOperator::bit_and;
    case FloorDiv: return BinaryOperator::floor_div;
    default: return BinaryOperator::add;
  }
}

UnaryOperator unary_operator(unaryop_ty op) {
  switch (op) {
    case Not: return UnaryOperator::logical_not;
    case USub: return UnaryOperator::minus;
    case UAdd: return UnaryOperator::plus;
    default: return UnaryOperator::invert;
  }
}

CompareOperator compare_operator(int op) {
  switch (op) {
    case NotEq: return CompareOperator::not_eq_;
    case Lt: return CompareOperator::lt;
    case LtE: return CompareOperator::lt_e;
    case Gt: return CompareOperator::gt;
    case GtE: return CompareOperator::gt_e;
    case Is: return CompareOperator::is;
    case IsNot: return CompareOperator::is_not;
    case In: return CompareOperator::in;
    case NotIn: return CompareOperator::not_in;
    default: return CompareOperator::eq;
  }
}

std::string utf8(PyObject* unicode) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(unicode, &size);
  if (!data) {
    // Lone surrogates ("\udc80") cannot be UTF-8: keep them as escapes, the evaluator only compares text.
    PyErr_Clear();
    PyRef escaped(PyUnicode_AsEncodedString(unicode, "utf-8", "backslashreplace"));
    if (!escaped) {
      PyErr_Clear();
      return {};
    }
    return std::string(PyBytes_AS_STRING(escaped.get()), static_cast<std::size_t>(PyBytes_GET_SIZE(escaped.get())));
  }
  return std::string(data, static_cast<std::size_t>(size));
}

std::optional<std::string> identifier_text(PyObject* identifier) {
  if (identifier == nullptr || !PyUnicode_Check(identifier)) return std::nullopt;
  return utf8(identifier);
}

ConstantValue constant(PyObject* value) {
  if (value == Py_None) return NoneLiteral{};
  if (value == Py_Ellipsis) return EllipsisLiteral{};
  if (PyBool_Check(value)) return value == Py_True;
  if (PyLong_Check(value)) {
    int overflow = 0;
    const long long n = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow == 0 && !(n == -1 && PyErr_Occurred())) return static_cast<std::int64_t>(n);
    PyErr_Clear();
    // Digits of a huge literal: the evaluator treats it as unknown, so its text is only informative.
    PyRef text(PyObject_Str(value));
    if (!text) {
      PyErr_Clear();
      return BigInt{};
    }
    return BigInt{utf8(text.get())};
  }
  if (PyFloat_Check(value)) return PyFloat_AS_DOUBLE(value);
  if (PyUnicode_Check(value)) return utf8(value);
  if (PyBytes_Check(value))
    return Bytes{std::string(PyBytes_AS_STRING(value), static_cast<std::size_t>(PyBytes_GET_SIZE(value)))};
  return EllipsisLiteral{};  // complex numbers: nothing in settings depends on them
}

class Converter {
 public:
  explicit Converter(const ColumnMap& columns) : columns_(columns) {}

  Block block(const asdl_stmt_seq* statements) {
    Block out;
    const Py_ssize_t n = statements ? asdl_seq_LEN(statements) : 0;
    out.reserve(static_cast<std::size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i) out.push_back(stmt(asdl_seq_GET(statements, i)));
    return out;
  }

 private:
  const ColumnMap& columns_;
  int depth_ = 0;

  struct DepthGuard {
    int& depth;
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
  };

  // Every positioned node of CPython's tree has these four fields.
  template <typename Node>
  Position position(const Node& node) const {
    Position p;
    p.line = node.lineno;
    p.end_line = node.end_lineno;
    p.column = columns_.column(node.lineno, node.col_offset);
    p.end_column = columns_.column(node.end_lineno, node.end_col_offset);
    if (p.line < 0) p = Position{};
    return p;
  }

  std::vector<ExprPtr> exprs(const asdl_expr_seq* sequence) {
    std::vector<ExprPtr> out;
    const Py_ssize_t n = sequence ? asdl_seq_LEN(sequence) : 0;
    out.reserve(static_cast<std::size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i) out.push_back(expr(asdl_seq_GET(sequence, i)));  // null: a `**` dict key
    return out;
  }

  std::vector<Comprehension> generators(const asdl_comprehension_seq* sequence) {
    std::vector<Comprehension> out;
    const Py_ssize_t n = sequence ? asdl_seq_LEN(sequence) : 0;
    for (Py_ssize_t i = 0; i < n; ++i) {
      const comprehension_ty g = asdl_seq_GET(sequence, i);
      out.push_back(Comprehension{expr(g->target), expr(g->iter), exprs(g->ifs), g->is_async == 1});
    }
    return out;
  }

  // CPython keeps defaults apart from the names: `defaults` belong to the last positional parameters,
  // `kw_defaults` pair with the keyword-only ones (NULL where there is none).
  std::vector<Parameter> parameters(const arguments_ty arguments) {
    std::vector<Parameter> out;
    if (arguments == nullptr) return out;
    const auto add = [&](const asdl_arg_seq* sequence, ParameterKind kind) {
      const Py_ssize_t n = sequence ? asdl_seq_LEN(sequence) : 0;
      for (Py_ssize_t i = 0; i < n; ++i)
        out.push_back(Parameter{identifier_text(asdl_seq_GET(sequence, i)->arg).value_or(""), kind, nullptr});
    };
    add(arguments->posonlyargs, ParameterKind::positional);
    add(arguments->args, ParameterKind::positional);
    const std::size_t positional = out.size();
    const Py_ssize_t defaults = arguments->defaults ? asdl_seq_LEN(arguments->defaults) : 0;
    for (Py_ssize_t i = 0; i < defaults && static_cast<std::size_t>(i) < positional; ++i)
      out[positional - static_cast<std::size_t>(defaults) + static_cast<std::size_t>(i)].default_value =
          expr(asdl_seq_GET(arguments->defaults, i));
    if (arguments->vararg)
      out.push_back(
          Parameter{identifier_text(arguments->vararg->arg).value_or(""), ParameterKind::var_positional, nullptr});
    const Py_ssize_t keyword_only = arguments->kwonlyargs ? asdl_seq_LEN(arguments->kwonlyargs) : 0;
    for (Py_ssize_t i = 0; i < keyword_only; ++i) {
      const expr_ty default_value = arguments->kw_defaults && i < asdl_seq_LEN(arguments->kw_defaults)
                                        ? asdl_seq_GET(arguments->kw_defaults, i)
                                        : nullptr;
      out.push_back(Parameter{identifier_text(asdl_seq_GET(arguments->kwonlyargs, i)->arg).value_or(""),
                              ParameterKind::keyword_only, expr(default_value)});
    }
    if (arguments->kwarg)
      out.push_back(
          Parameter{identifier_text(arguments->kwarg->arg).value_or(""), ParameterKind::var_keyword, nullptr});
    return out;
  }

  std::vector<Alias> aliases(const asdl_alias_seq* sequence) {
    std::vector<Alias> out;
    const Py_ssize_t n = sequence ? asdl_seq_LEN(sequence) : 0;
    for (Py_ssize_t i = 0; i < n; ++i) {
      const alias_ty a = asdl_seq_GET(sequence, i);
      out.push_back(Alias{identifier_text(a->name).value_or(""), identifier_text(a->asname), position(*a)});
    }
    return out;
  }

  ExprNode expr_node(const _expr& node) {
    const auto& v = node.v;
    switch (node.kind) {
      case Constant_kind: return Constant{v.Constant.value ? constant(v.Constant.value) : ConstantValue{NoneLiteral{}}};
      case Name_kind: return Name{identifier_text(v.Name.id).value_or("")};
      case Attribute_kind: return Attribute{expr(v.Attribute.value), identifier_text(v.Attribute.attr).value_or("")};
      case Subscript_kind: return Subscript{expr(v.Subscript.value), expr(v.Subscript.slice)};
      case Slice_kind: return Slice{expr(v.Slice.lower), expr(v.Slice.upper), expr(v.Slice.step)};
      case Call_kind: {
        Call call{expr(v.Call.func), exprs(v.Call.args), {}};
        const Py_ssize_t n = v.Call.keywords ? asdl_seq_LEN(v.Call.keywords) : 0;
        for (Py_ssize_t i = 0; i < n; ++i) {
          const keyword_ty k = asdl_seq_GET(v.Call.keywords, i);
          call.keywords.push_back(Keyword{identifier_text(k->arg), expr(k->value), position(*k)});
        }
        return call;
      }
      case BinOp_kind: return BinOp{expr(v.BinOp.left), binary_operator(v.BinOp.op), expr(v.BinOp.right)};
      case UnaryOp_kind: return UnaryOp{unary_operator(v.UnaryOp.op), expr(v.UnaryOp.operand)};
      case BoolOp_kind:
        return BoolOp{v.BoolOp.op == Or ? BoolOperator::logical_or : BoolOperator::logical_and, exprs(v.BoolOp.values)};
      case Compare_kind: {
        Compare compare{expr(v.Compare.left), {}, exprs(v.Compare.comparators)};
        const Py_ssize_t n = v.Compare.ops ? asdl_seq_LEN(v.Compare.ops) : 0;
        for (Py_ssize_t i = 0; i < n; ++i) compare.ops.push_back(compare_operator(asdl_seq_GET(v.Compare.ops, i)));
        return compare;
      }
      case IfExp_kind: return IfExp{expr(v.IfExp.test), expr(v.IfExp.body), expr(v.IfExp.orelse)};
      case List_kind: return ListExpr{exprs(v.List.elts)};
      case Tuple_kind: return TupleExpr{exprs(v.Tuple.elts)};
      case Set_kind: return SetExpr{exprs(v.Set.elts)};
      case Dict_kind: return DictExpr{exprs(v.Dict.keys), exprs(v.Dict.values)};
      case FormattedValue_kind:
        return FormattedValue{expr(v.FormattedValue.value), v.FormattedValue.conversion,
                              expr(v.FormattedValue.format_spec)};
      case JoinedStr_kind: return JoinedStr{exprs(v.JoinedStr.values)};
      case ListComp_kind: return Comp{ComprehensionKind::list, expr(v.ListComp.elt), generators(v.ListComp.generators)};
      case SetComp_kind: return Comp{ComprehensionKind::set, expr(v.SetComp.elt), generators(v.SetComp.generators)};
      case GeneratorExp_kind:
        return Comp{ComprehensionKind::generator, expr(v.GeneratorExp.elt), generators(v.GeneratorExp.generators)};
      case DictComp_kind:
        return DictComp{expr(v.DictComp.key), expr(v.DictComp.value), generators(v.DictComp.generators)};
      case Starred_kind: return Starred{expr(v.Starred.value)};
      case NamedExpr_kind: return NamedExpr{expr(v.NamedExpr.target), expr(v.NamedExpr.value)};
      case Lambda_kind: return Lambda{};
      default: return OtherExpr{expr_kind_name(node.kind)};
    }
  }

  ExprPtr expr(const _expr* node) {
    if (node == nullptr) return nullptr;
    DepthGuard guard(depth_);
    auto out = std::make_shared<Expr>();
    out->position = position(*node);
    if (depth_ > max_depth) {
      out->node = OtherExpr{"too deeply nested"};
      return out;
    }
    out->node = expr_node(*node);
    return out;
  }

  StmtNode stmt_node(const _stmt& node) {
    const auto& v = node.v;
    switch (node.kind) {
      case Assign_kind: return Assign{exprs(v.Assign.targets), expr(v.Assign.value)};
      case AugAssign_kind:
        return AugAssign{expr(v.AugAssign.target), binary_operator(v.AugAssign.op), expr(v.AugAssign.value)};
      case AnnAssign_kind:
        return AnnAssign{expr(v.AnnAssign.target), expr(v.AnnAssign.annotation), expr(v.AnnAssign.value)};
      case Expr_kind: return ExprStmt{expr(v.Expr.value)};
      case If_kind: return If{expr(v.If.test), block(v.If.body), block(v.If.orelse)};
      case Try_kind: return try_statement(v.Try.body, v.Try.handlers, v.Try.orelse, v.Try.finalbody);
      case TryStar_kind:
        return try_statement(v.TryStar.body, v.TryStar.handlers, v.TryStar.orelse, v.TryStar.finalbody);
      case Import_kind: return Import{aliases(v.Import.names)};
      case ImportFrom_kind:
        return ImportFrom{identifier_text(v.ImportFrom.module), aliases(v.ImportFrom.names), v.ImportFrom.level};
      case FunctionDef_kind:
        return FunctionDef{identifier_text(v.FunctionDef.name).value_or(""), block(v.FunctionDef.body),
                           parameters(v.FunctionDef.args)};
      case AsyncFunctionDef_kind:
        return FunctionDef{identifier_text(v.AsyncFunctionDef.name).value_or(""), block(v.AsyncFunctionDef.body),
                           parameters(v.AsyncFunctionDef.args)};
      case ClassDef_kind:
        return ClassDef{identifier_text(v.ClassDef.name).value_or(""), block(v.ClassDef.body), exprs(v.ClassDef.bases)};
      case Return_kind: return Return{expr(v.Return.value)};
      case Raise_kind: return Raise{expr(v.Raise.exc)};
      case For_kind: return For{expr(v.For.target), expr(v.For.iter), block(v.For.body), block(v.For.orelse)};
      case AsyncFor_kind:
        return For{expr(v.AsyncFor.target), expr(v.AsyncFor.iter), block(v.AsyncFor.body), block(v.AsyncFor.orelse)};
      case While_kind: return While{expr(v.While.test), block(v.While.body), block(v.While.orelse)};
      case With_kind: return with_statement(v.With.items, v.With.body);
      case AsyncWith_kind: return with_statement(v.AsyncWith.items, v.AsyncWith.body);
      case Delete_kind: return Delete{exprs(v.Delete.targets)};
      case Pass_kind: return Pass{};
      case Global_kind: {
        Global global;
        const Py_ssize_t n = v.Global.names ? asdl_seq_LEN(v.Global.names) : 0;
        for (Py_ssize_t i = 0; i < n; ++i)
          if (auto name = identifier_text(asdl_seq_GET(v.Global.names, i))) global.names.push_back(std::move(*name));
        return global;
      }
      default: return OtherStmt{stmt_kind_name(node.kind)};
    }
  }

  Try try_statement(const asdl_stmt_seq* body, const asdl_excepthandler_seq* handlers, const asdl_stmt_seq* orelse,
                    const asdl_stmt_seq* finalbody) {
    Try out{block(body), {}, block(orelse), block(finalbody)};
    const Py_ssize_t n = handlers ? asdl_seq_LEN(handlers) : 0;
    for (Py_ssize_t i = 0; i < n; ++i) {
      const excepthandler_ty h = asdl_seq_GET(handlers, i);
      const auto& handler = h->v.ExceptHandler;
      out.handlers.push_back(
          ExceptHandler{expr(handler.type), identifier_text(handler.name), block(handler.body), position(*h)});
    }
    return out;
  }

  With with_statement(const asdl_withitem_seq* items, const asdl_stmt_seq* body) {
    With out{{}, block(body)};
    const Py_ssize_t n = items ? asdl_seq_LEN(items) : 0;
    for (Py_ssize_t i = 0; i < n; ++i) {
      const withitem_ty item = asdl_seq_GET(items, i);
      out.items.push_back(WithItem{expr(item->context_expr), expr(item->optional_vars)});
    }
    return out;
  }

  StmtPtr stmt(const _stmt* node) {
    DepthGuard guard(depth_);
    auto out = std::make_shared<Stmt>();
    out->position = position(*node);
    out->node = depth_ > max_depth ? StmtNode{OtherStmt{"too deeply nested"}} : stmt_node(*node);
    return out;
  }
};

// CPython's SyntaxError (also IndentationError, TabError) and the ValueError/RecursionError/MemoryError the
// parser raises for pathological input, as a SyntaxError of ours.
SyntaxError fetch_syntax_error() {
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  PyObject* traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  PyRef type_ref(type), value_ref(value), traceback_ref(traceback);
  SyntaxError error;
  error.message = "cannot parse";
  if (!value) return error;
  if (PyErr_GivenExceptionMatches(type, PyExc_SyntaxError)) {
    PyRef msg(PyObject_GetAttrString(value, "msg"));
    if (msg && PyUnicode_Check(msg.get())) {
      if (const char* text = PyUnicode_AsUTF8(msg.get())) error.message = text;
    }
    PyErr_Clear();
    PyRef lineno(PyObject_GetAttrString(value, "lineno"));
    PyRef offset(PyObject_GetAttrString(value, "offset"));
    PyErr_Clear();
    if (lineno && PyLong_Check(lineno.get())) error.line = static_cast<int>(PyLong_AsLong(lineno.get()));
    // SyntaxError.offset is 1-based and already counts characters, not bytes.
    if (offset && PyLong_Check(offset.get())) error.column = static_cast<int>(PyLong_AsLong(offset.get()));
    PyErr_Clear();
    return error;
  }
  PyRef text(PyObject_Str(value));
  PyErr_Clear();
  const char* name = reinterpret_cast<PyTypeObject*>(type)->tp_name;
  error.message = std::string(name ? name : "error");
  if (PyErr_GivenExceptionMatches(type, PyExc_MemoryError) || PyErr_GivenExceptionMatches(type, PyExc_RecursionError))
    error.message = "too deeply nested for the parser";
  else if (text && PyUnicode_Check(text.get())) {
    const char* t = PyUnicode_AsUTF8(text.get());
    if (t && *t) error.message += std::string(": ") + t;
  }
  PyErr_Clear();
  return error;
}

// What the parser made of sources seen before in this process, by their text: the history scan and the
// working-tree secret scan read the same files the evaluator already parsed. Bounded, so that a long history
// of distinct versions cannot grow it without end; the trees are immutable and shared.
class ParseMemo {
 public:
  const ParseResult* find(std::string_view source) const {
    const auto found = results_.find(source);
    return found == results_.end() ? nullptr : &found->second;
  }
  void remember(std::string_view source, const ParseResult& result) {
    if (results_.size() >= max_entries || source.size() > max_source_bytes) return;
    results_.emplace(std::string(source), result);
  }

 private:
  static constexpr std::size_t max_entries = 256;
  static constexpr std::size_t max_source_bytes = 256 * 1024;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, ParseResult, Hash, std::equal_to<>> results_;
};

ParseResult parse_uncached(std::string_view source, const std::string& filename) {
  value_or_throw(embedded::parsing_may_import(source, filename) ? embedded::ensure_full_interpreter()
                                                                : embedded::ensure_parser_core());
  if (source.find('\0') != std::string_view::npos) return SyntaxError{"source contains NUL bytes", 0, 0};
  const ColumnMap columns(source);
  const std::string text(source);  // CPython wants a NUL-terminated buffer
  PyRef name(PyUnicode_DecodeFSDefaultAndSize(filename.data(), static_cast<Py_ssize_t>(filename.size())));
  if (!name) embedded::throw_error("cannot make a str of the file name " + filename);
  // The flags compile(..., PyCF_ONLY_AST) passes: the same parser, the same tree as ast.parse gives.
  PyCompilerFlags flags = _PyCompilerFlags_INIT;
  flags.cf_flags = PyCF_ONLY_AST;
  const Arena arena;
  const mod_ty tree = _PyParser_ASTFromString(text.c_str(), name.get(), Py_file_input, &flags, arena.get());
  if (tree == nullptr) return fetch_syntax_error();
  Converter converter(columns);
  Module module{tree->kind == Module_kind ? converter.block(tree->v.Module.body) : Block{}};
  PyErr_Clear();
  return module;
}

}  // namespace

ParseResult parse_module(std::string_view source, const std::string& filename) {
  static ParseMemo memo;
  if (const ParseResult* known = memo.find(source)) return *known;
  ParseResult result = parse_uncached(source, filename);
  memo.remember(source, result);
  return result;
}

}  // namespace deployctl::checks::python
