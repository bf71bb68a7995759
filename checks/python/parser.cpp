// The bridge from CPython's ast objects to our model (ast.hpp). CPython parses (PyCF_ONLY_AST: no
// bytecode, nothing executed); this file only walks the resulting objects once and copies what we model.
#include "checks/python/py_ref.hpp"  // Python.h first, as CPython requires
#include "checks/python/parser.hpp"

#include <array>
#include <unordered_map>

#include "checks/python/interpreter.hpp"

namespace deployctl::checks::python {

namespace {

// Deeper trees than this (e.g. `1+1+...` with thousands of terms) are cut off as OtherExpr: settings never
// nest like that, and an unbounded walk could exhaust the stack.
constexpr int max_depth = 200;

enum class NodeType {
  // expressions
  Constant, Name, Attribute, Subscript, Slice, Call, BinOp, UnaryOp, BoolOp, Compare, IfExp, List, Tuple, Set,
  Dict, FormattedValue, JoinedStr, ListComp, SetComp, GeneratorExp, DictComp, Starred, NamedExpr, Lambda,
  // statements
  Assign, AugAssign, AnnAssign, Expr, If, Try, TryStar, Import, ImportFrom, FunctionDef, AsyncFunctionDef,
  ClassDef, For, AsyncFor, While, With, AsyncWith, Delete, Pass, Global,
  // operators
  Add, Sub, Mult, MatMult, Div, Mod, Pow, LShift, RShift, BitOr, BitXor, BitAnd, FloorDiv,
  Invert, Not, UAdd, USub, And, Or, Eq, NotEq, Lt, LtE, Gt, GtE, Is, IsNot, In, NotIn,
  Other
};

constexpr std::pair<const char*, NodeType> node_type_names[] = {
    {"Constant", NodeType::Constant}, {"Name", NodeType::Name}, {"Attribute", NodeType::Attribute},
    {"Subscript", NodeType::Subscript}, {"Slice", NodeType::Slice}, {"Call", NodeType::Call},
    {"BinOp", NodeType::BinOp}, {"UnaryOp", NodeType::UnaryOp}, {"BoolOp", NodeType::BoolOp},
    {"Compare", NodeType::Compare}, {"IfExp", NodeType::IfExp}, {"List", NodeType::List},
    {"Tuple", NodeType::Tuple}, {"Set", NodeType::Set}, {"Dict", NodeType::Dict},
    {"FormattedValue", NodeType::FormattedValue}, {"JoinedStr", NodeType::JoinedStr},
    {"ListComp", NodeType::ListComp}, {"SetComp", NodeType::SetComp}, {"GeneratorExp", NodeType::GeneratorExp},
    {"DictComp", NodeType::DictComp}, {"Starred", NodeType::Starred}, {"NamedExpr", NodeType::NamedExpr},
    {"Lambda", NodeType::Lambda}, {"Assign", NodeType::Assign}, {"AugAssign", NodeType::AugAssign},
    {"AnnAssign", NodeType::AnnAssign}, {"Expr", NodeType::Expr}, {"If", NodeType::If}, {"Try", NodeType::Try},
    {"TryStar", NodeType::TryStar}, {"Import", NodeType::Import}, {"ImportFrom", NodeType::ImportFrom},
    {"FunctionDef", NodeType::FunctionDef}, {"AsyncFunctionDef", NodeType::AsyncFunctionDef},
    {"ClassDef", NodeType::ClassDef}, {"For", NodeType::For}, {"AsyncFor", NodeType::AsyncFor},
    {"While", NodeType::While}, {"With", NodeType::With}, {"AsyncWith", NodeType::AsyncWith},
    {"Delete", NodeType::Delete}, {"Pass", NodeType::Pass}, {"Global", NodeType::Global},
    {"Add", NodeType::Add}, {"Sub", NodeType::Sub}, {"Mult", NodeType::Mult}, {"MatMult", NodeType::MatMult},
    {"Div", NodeType::Div}, {"Mod", NodeType::Mod}, {"Pow", NodeType::Pow}, {"LShift", NodeType::LShift},
    {"RShift", NodeType::RShift}, {"BitOr", NodeType::BitOr}, {"BitXor", NodeType::BitXor},
    {"BitAnd", NodeType::BitAnd}, {"FloorDiv", NodeType::FloorDiv}, {"Invert", NodeType::Invert},
    {"Not", NodeType::Not}, {"UAdd", NodeType::UAdd}, {"USub", NodeType::USub}, {"And", NodeType::And},
    {"Or", NodeType::Or}, {"Eq", NodeType::Eq}, {"NotEq", NodeType::NotEq}, {"Lt", NodeType::Lt},
    {"LtE", NodeType::LtE}, {"Gt", NodeType::Gt}, {"GtE", NodeType::GtE}, {"Is", NodeType::Is},
    {"IsNot", NodeType::IsNot}, {"In", NodeType::In}, {"NotIn", NodeType::NotIn},
};

// The _ast classes, looked up once, so that a node's type is a pointer comparison, not a string lookup.
class NodeTypes {
 public:
  NodeTypes() {
    PyRef ast_module(PyImport_ImportModule("_ast"));
    if (!ast_module) throw_python_error("cannot import _ast");
    for (const auto& [name, type] : node_type_names) {
      PyRef cls(PyObject_GetAttrString(ast_module.get(), name));
      if (!cls) {
        PyErr_Clear();  // an optional node kind this Python does not have
        continue;
      }
      types_.emplace(cls.get(), type);
    }
  }
  NodeType of(PyObject* object) const {
    const auto it = types_.find(reinterpret_cast<PyObject*>(Py_TYPE(object)));
    return it == types_.end() ? NodeType::Other : it->second;
  }

 private:
  std::unordered_map<PyObject*, NodeType> types_;  // the classes live as long as the interpreter
};

// Converts CPython's UTF-8 byte offsets to code point columns.
class ColumnMap {
 public:
  explicit ColumnMap(std::string_view source) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < source.size(); ++i)
      if (source[i] == '\n') line_starts_.push_back(i + 1);
    source_ = source;
  }
  // 1-based line, 0-based byte offset -> 1-based code point column.
  int column(int line, long byte_offset) const {
    if (line < 1 || static_cast<std::size_t>(line) > line_starts_.size() || byte_offset < 0)
      return static_cast<int>(byte_offset) + 1;
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

class Converter {
 public:
  Converter(const NodeTypes& types, const ColumnMap& columns) : types_(types), columns_(columns) {}

  Block block(PyObject* node, const char* field) {
    Block out;
    PyRef list(attribute(node, field));
    if (!list || !PyList_Check(list.get())) return out;
    const Py_ssize_t n = PyList_GET_SIZE(list.get());
    out.reserve(static_cast<std::size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i) out.push_back(stmt(PyList_GET_ITEM(list.get(), i)));
    return out;
  }

 private:
  const NodeTypes& types_;
  const ColumnMap& columns_;
  int depth_ = 0;

  struct DepthGuard {
    int& depth;
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
  };

  // Field names as interned str objects, made once per name: PyObject_GetAttrString would build and hash a
  // new str for every field of every node. Keyed by the literal's address; the interpreter is never finalised.
  static PyObject* field_key(const char* field) {
    static std::unordered_map<const char*, PyObject*> keys;
    auto [entry, inserted] = keys.try_emplace(field, nullptr);
    if (inserted) entry->second = PyUnicode_InternFromString(field);
    return entry->second;
  }

  static PyObject* attribute(PyObject* node, const char* field) {
    PyObject* key = field_key(field);
    PyObject* value = key ? PyObject_GetAttr(node, key) : PyObject_GetAttrString(node, field);
    if (!value) PyErr_Clear();
    return value;
  }

  static long integer_field(PyObject* node, const char* field) {
    PyRef value(attribute(node, field));
    if (!value || value.get() == Py_None) return -1;
    const long result = PyLong_AsLong(value.get());
    if (result == -1 && PyErr_Occurred()) PyErr_Clear();
    return result;
  }

  static std::optional<std::string> string_field(PyObject* node, const char* field) {
    PyRef value(attribute(node, field));
    if (!value || !PyUnicode_Check(value.get())) return std::nullopt;
    return utf8(value.get());
  }

  static std::string utf8(PyObject* unicode) {
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

  Position position(PyObject* node) const {
    Position p;
    p.line = static_cast<int>(integer_field(node, "lineno"));
    p.end_line = static_cast<int>(integer_field(node, "end_lineno"));
    p.column = columns_.column(p.line, integer_field(node, "col_offset"));
    p.end_column = columns_.column(p.end_line, integer_field(node, "end_col_offset"));
    if (p.line < 0) p = Position{};
    return p;
  }

  std::vector<ExprPtr> exprs(PyObject* node, const char* field) {
    std::vector<ExprPtr> out;
    PyRef list(attribute(node, field));
    if (!list || !PyList_Check(list.get())) return out;
    const Py_ssize_t n = PyList_GET_SIZE(list.get());
    out.reserve(static_cast<std::size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i) {
      PyObject* item = PyList_GET_ITEM(list.get(), i);
      out.push_back(item == Py_None ? nullptr : expr(item));
    }
    return out;
  }

  ExprPtr child(PyObject* node, const char* field) {
    PyRef value(attribute(node, field));
    if (!value || value.get() == Py_None) return nullptr;
    return expr(value.get());
  }

  NodeType op(PyObject* node, const char* field) const {
    PyRef value(attribute(node, field));
    return value ? types_.of(value.get()) : NodeType::Other;
  }

  static BinaryOperator binary_operator(NodeType t) {
    switch (t) {
      case NodeType::Sub: return BinaryOperator::sub;
      case NodeType::Mult: return BinaryOperator::mult;
      case NodeType::MatMult: return BinaryOperator::mat_mult;
      case NodeType::Div: return BinaryOperator::div;
      case NodeType::Mod: return BinaryOperator::mod;
      case NodeType::Pow: return BinaryOperator::pow;
      case NodeType::LShift: return BinaryOperator::lshift;
      case NodeType::RShift: return BinaryOperator::rshift;
      case NodeType::BitOr: return BinaryOperator::bit_or;
      case NodeType::BitXor: return BinaryOperator::bit_xor;
      case NodeType::BitAnd: return BinaryOperator::bit_and;
      case NodeType::FloorDiv: return BinaryOperator::floor_div;
      default: return BinaryOperator::add;
    }
  }

  static CompareOperator compare_operator(NodeType t) {
    switch (t) {
      case NodeType::NotEq: return CompareOperator::not_eq_;
      case NodeType::Lt: return CompareOperator::lt;
      case NodeType::LtE: return CompareOperator::lt_e;
      case NodeType::Gt: return CompareOperator::gt;
      case NodeType::GtE: return CompareOperator::gt_e;
      case NodeType::Is: return CompareOperator::is;
      case NodeType::IsNot: return CompareOperator::is_not;
      case NodeType::In: return CompareOperator::in;
      case NodeType::NotIn: return CompareOperator::not_in;
      default: return CompareOperator::eq;
    }
  }

  ConstantValue constant(PyObject* value) const {
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

  std::vector<Comprehension> generators(PyObject* node) {
    std::vector<Comprehension> out;
    PyRef list(attribute(node, "generators"));
    if (!list || !PyList_Check(list.get())) return out;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list.get()); ++i) {
      PyObject* g = PyList_GET_ITEM(list.get(), i);
      out.push_back(Comprehension{child(g, "target"), child(g, "iter"), exprs(g, "ifs"), integer_field(g, "is_async") == 1});
    }
    return out;
  }

  std::vector<Alias> aliases(PyObject* node) {
    std::vector<Alias> out;
    PyRef list(attribute(node, "names"));
    if (!list || !PyList_Check(list.get())) return out;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list.get()); ++i) {
      PyObject* a = PyList_GET_ITEM(list.get(), i);
      out.push_back(Alias{string_field(a, "name").value_or(""), string_field(a, "asname"), position(a)});
    }
    return out;
  }

  ExprNode expr_node(PyObject* node, NodeType type) {
    switch (type) {
      case NodeType::Constant: {
        PyRef value(attribute(node, "value"));
        return Constant{value ? constant(value.get()) : ConstantValue{NoneLiteral{}}};
      }
      case NodeType::Name: return Name{string_field(node, "id").value_or("")};
      case NodeType::Attribute: return Attribute{child(node, "value"), string_field(node, "attr").value_or("")};
      case NodeType::Subscript: return Subscript{child(node, "value"), child(node, "slice")};
      case NodeType::Slice: return Slice{child(node, "lower"), child(node, "upper"), child(node, "step")};
      case NodeType::Call: {
        Call call{child(node, "func"), exprs(node, "args"), {}};
        PyRef list(attribute(node, "keywords"));
        if (list && PyList_Check(list.get())) {
          for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list.get()); ++i) {
            PyObject* k = PyList_GET_ITEM(list.get(), i);
            call.keywords.push_back(Keyword{string_field(k, "arg"), child(k, "value"), position(k)});
          }
        }
        return call;
      }
      case NodeType::BinOp:
        return BinOp{child(node, "left"), binary_operator(op(node, "op")), child(node, "right")};
      case NodeType::UnaryOp: {
        const NodeType t = op(node, "op");
        const UnaryOperator u = t == NodeType::Not    ? UnaryOperator::logical_not
                                : t == NodeType::USub ? UnaryOperator::minus
                                : t == NodeType::UAdd ? UnaryOperator::plus
                                                      : UnaryOperator::invert;
        return UnaryOp{u, child(node, "operand")};
      }
      case NodeType::BoolOp:
        return BoolOp{op(node, "op") == NodeType::Or ? BoolOperator::logical_or : BoolOperator::logical_and,
                      exprs(node, "values")};
      case NodeType::Compare: {
        Compare compare{child(node, "left"), {}, exprs(node, "comparators")};
        PyRef list(attribute(node, "ops"));
        if (list && PyList_Check(list.get()))
          for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list.get()); ++i)
            compare.ops.push_back(compare_operator(types_.of(PyList_GET_ITEM(list.get(), i))));
        return compare;
      }
      case NodeType::IfExp: return IfExp{child(node, "test"), child(node, "body"), child(node, "orelse")};
      case NodeType::List: return ListExpr{exprs(node, "elts")};
      case NodeType::Tuple: return TupleExpr{exprs(node, "elts")};
      case NodeType::Set: return SetExpr{exprs(node, "elts")};
      case NodeType::Dict: return DictExpr{exprs(node, "keys"), exprs(node, "values")};
      case NodeType::FormattedValue:
        return FormattedValue{child(node, "value"), static_cast<int>(integer_field(node, "conversion")),
                              child(node, "format_spec")};
      case NodeType::JoinedStr: return JoinedStr{exprs(node, "values")};
      case NodeType::ListComp: return Comp{ComprehensionKind::list, child(node, "elt"), generators(node)};
      case NodeType::SetComp: return Comp{ComprehensionKind::set, child(node, "elt"), generators(node)};
      case NodeType::GeneratorExp: return Comp{ComprehensionKind::generator, child(node, "elt"), generators(node)};
      case NodeType::DictComp: return DictComp{child(node, "key"), child(node, "value"), generators(node)};
      case NodeType::Starred: return Starred{child(node, "value")};
      case NodeType::NamedExpr: return NamedExpr{child(node, "target"), child(node, "value")};
      case NodeType::Lambda: return Lambda{};
      default: return OtherExpr{Py_TYPE(node)->tp_name};
    }
  }

  ExprPtr expr(PyObject* node) {
    DepthGuard guard(depth_);
    auto out = std::make_shared<Expr>();
    out->position = position(node);
    if (depth_ > max_depth) {
      out->node = OtherExpr{"too deeply nested"};
      return out;
    }
    out->node = expr_node(node, types_.of(node));
    return out;
  }

  StmtNode stmt_node(PyObject* node, NodeType type) {
    switch (type) {
      case NodeType::Assign: return Assign{exprs(node, "targets"), child(node, "value")};
      case NodeType::AugAssign:
        return AugAssign{child(node, "target"), binary_operator(op(node, "op")), child(node, "value")};
      case NodeType::AnnAssign: return AnnAssign{child(node, "target"), child(node, "annotation"), child(node, "value")};
      case NodeType::Expr: return ExprStmt{child(node, "value")};
      case NodeType::If: return If{child(node, "test"), block(node, "body"), block(node, "orelse")};
      case NodeType::Try:
      case NodeType::TryStar: {
        Try t{block(node, "body"), {}, block(node, "orelse"), block(node, "finalbody")};
        PyRef list(attribute(node, "handlers"));
        if (list && PyList_Check(list.get())) {
          for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list.get()); ++i) {
            PyObject* h = PyList_GET_ITEM(list.get(), i);
            t.handlers.push_back(ExceptHandler{child(h, "type"), string_field(h, "name"), block(h, "body"), position(h)});
          }
        }
        return t;
      }
      case NodeType::Import: return Import{aliases(node)};
      case NodeType::ImportFrom:
        return ImportFrom{string_field(node, "module"), aliases(node), static_cast<int>(integer_field(node, "level"))};
      case NodeType::FunctionDef:
      case NodeType::AsyncFunctionDef: return FunctionDef{string_field(node, "name").value_or(""), block(node, "body")};
      case NodeType::ClassDef: return ClassDef{string_field(node, "name").value_or(""), block(node, "body")};
      case NodeType::For:
      case NodeType::AsyncFor:
        return For{child(node, "target"), child(node, "iter"), block(node, "body"), block(node, "orelse")};
      case NodeType::While: return While{child(node, "test"), block(node, "body"), block(node, "orelse")};
      case NodeType::With:
      case NodeType::AsyncWith: {
        With with{{}, block(node, "body")};
        PyRef list(attribute(node, "items"));
        if (list && PyList_Check(list.get()))
          for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list.get()); ++i) {
            PyObject* item = PyList_GET_ITEM(list.get(), i);
            with.items.push_back(WithItem{child(item, "context_expr"), child(item, "optional_vars")});
          }
        return with;
      }
      case NodeType::Delete: return Delete{exprs(node, "targets")};
      case NodeType::Pass: return Pass{};
      case NodeType::Global: {
        Global global;
        PyRef list(attribute(node, "names"));
        if (list && PyList_Check(list.get()))
          for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list.get()); ++i) {
            PyObject* name = PyList_GET_ITEM(list.get(), i);
            if (PyUnicode_Check(name)) global.names.push_back(utf8(name));
          }
        return global;
      }
      default: return OtherStmt{Py_TYPE(node)->tp_name};
    }
  }

  StmtPtr stmt(PyObject* node) {
    DepthGuard guard(depth_);
    auto out = std::make_shared<Stmt>();
    out->position = position(node);
    out->node = depth_ > max_depth ? StmtNode{OtherStmt{"too deeply nested"}} : stmt_node(node, types_.of(node));
    return out;
  }
};

// CPython's SyntaxError (also IndentationError, TabError) and the ValueError/RecursionError/MemoryError the
// compiler raises for pathological input, as a SyntaxError of ours.
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

}  // namespace

ParseResult parse_module(std::string_view source, const std::string& filename) {
  if (parsing_may_import(source, filename)) ensure_full_interpreter();
  else ensure_interpreter();
  static const NodeTypes types;
  const ColumnMap columns(source);
  if (source.find('\0') != std::string_view::npos)
    return SyntaxError{"source contains NUL bytes", 0, 0};
  const std::string text(source);  // CPython wants a NUL-terminated buffer
  PyCompilerFlags flags = _PyCompilerFlags_INIT;
  flags.cf_flags = PyCF_ONLY_AST;
  PyRef tree(Py_CompileStringExFlags(text.c_str(), filename.c_str(), Py_file_input, &flags, -1));
  if (!tree) return fetch_syntax_error();
  Converter converter(types, columns);
  Module module{converter.block(tree.get(), "body")};
  PyErr_Clear();
  return module;
}

}  // namespace deployctl::checks::python
