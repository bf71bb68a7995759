// The bridge against CPython's own ast module: every fixture, the example project and a source with every node
// kind are parsed both ways and written out in one canonical text (node kinds, positions, names, constants).
// The Python side walks ast.parse()'s objects; the C++ side walks our model. Any field the bridge drops or
// misreads shows up as a difference.
#include <doctest/doctest.h>

#include "python/py_ref.hpp"  // Python.h first

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "checks/python/parser.hpp"
#include "python/interpreter.hpp"

using namespace deployctl::checks::python;
using deployctl::python::PyRef;

namespace {

// The same canonical text as `canonical_python` below writes from ast objects.
class Canonical {
 public:
  std::string text;

  void block(const char* label, const Block& statements) {
    text += label;
    text += "[";
    for (const StmtPtr& statement : statements) stmt(statement);
    text += "]";
  }

 private:
  void position(const Position& p) {
    text += "@" + std::to_string(p.line) + ":" + std::to_string(p.column) + "-" + std::to_string(p.end_line) + ":" +
            std::to_string(p.end_column);
  }
  void word(std::string_view value) {
    text += " '";
    text += value;
    text += "'";
  }
  void optional_word(const std::optional<std::string>& value) {
    if (value)
      word(*value);
    else
      text += " -";
  }
  void exprs(const char* label, const std::vector<ExprPtr>& values) {
    text += " ";
    text += label;
    text += "(";
    for (const ExprPtr& value : values) expr(value);
    text += ")";
  }
  void generators(const std::vector<Comprehension>& items) {
    text += " gens(";
    for (const Comprehension& item : items) {
      text += "(gen";
      expr(item.target);
      expr(item.iter);
      exprs("ifs", item.ifs);
      text += item.is_async ? " async)" : ")";
    }
    text += ")";
  }

  void constant(const ConstantValue& value) {
    struct Visit {
      Canonical& out;
      void operator()(const NoneLiteral&) const { out.text += " None"; }
      void operator()(const EllipsisLiteral&) const { out.text += " ..."; }
      void operator()(bool b) const { out.text += b ? " True" : " False"; }
      void operator()(std::int64_t n) const { out.text += " int:" + std::to_string(n); }
      void operator()(const BigInt& n) const { out.text += " big:" + n.digits; }
      void operator()(double d) const {
        char buffer[64];
        const auto end = std::to_chars(buffer, buffer + sizeof buffer, d).ptr;
        out.text += " float:" + std::string(buffer, end);
      }
      void operator()(const std::string& s) const { out.word(s); }
      void operator()(const Bytes& b) const {
        static constexpr char hex[] = "0123456789abcdef";
        out.text += " bytes:";
        for (const char c : b.data) {
          out.text += hex[static_cast<unsigned char>(c) >> 4];
          out.text += hex[static_cast<unsigned char>(c) & 0xF];
        }
      }
    };
    std::visit(Visit{*this}, value);
  }

  void expr(const ExprPtr& node) {
    if (!node) {
      text += " null";
      return;
    }
    text += " (";
    std::visit([&](const auto& v) { expr_node(v); }, node->node);
    position(node->position);
    text += ")";
  }

  void expr_node(const Constant& v) {
    text += "Constant";
    constant(v.value);
  }
  void expr_node(const Name& v) {
    text += "Name";
    word(v.id);
  }
  void expr_node(const Attribute& v) {
    text += "Attribute";
    expr(v.value);
    word(v.attr);
  }
  void expr_node(const Subscript& v) {
    text += "Subscript";
    expr(v.value);
    expr(v.slice);
  }
  void expr_node(const Slice& v) {
    text += "Slice";
    expr(v.lower);
    expr(v.upper);
    expr(v.step);
  }
  void expr_node(const Call& v) {
    text += "Call";
    expr(v.func);
    exprs("args", v.args);
    text += " kw(";
    for (const Keyword& k : v.keywords) {
      text += "(kw";
      optional_word(k.arg);
      expr(k.value);
      position(k.position);
      text += ")";
    }
    text += ")";
  }
  void expr_node(const BinOp& v) {
    text += "BinOp " + std::to_string(static_cast<int>(v.op));
    expr(v.left);
    expr(v.right);
  }
  void expr_node(const UnaryOp& v) {
    text += "UnaryOp " + std::to_string(static_cast<int>(v.op));
    expr(v.operand);
  }
  void expr_node(const BoolOp& v) {
    text += "BoolOp " + std::to_string(static_cast<int>(v.op));
    exprs("values", v.values);
  }
  void expr_node(const Compare& v) {
    text += "Compare";
    expr(v.left);
    for (const CompareOperator op : v.ops) text += " " + std::to_string(static_cast<int>(op));
    exprs("cmp", v.comparators);
  }
  void expr_node(const IfExp& v) {
    text += "IfExp";
    expr(v.test);
    expr(v.body);
    expr(v.orelse);
  }
  void expr_node(const ListExpr& v) {
    text += "List";
    exprs("elts", v.elts);
  }
  void expr_node(const TupleExpr& v) {
    text += "Tuple";
    exprs("elts", v.elts);
  }
  void expr_node(const SetExpr& v) {
    text += "Set";
    exprs("elts", v.elts);
  }
  void expr_node(const DictExpr& v) {
    text += "Dict";
    exprs("keys", v.keys);
    exprs("values", v.values);
  }
  void expr_node(const FormattedValue& v) {
    text += "FormattedValue " + std::to_string(v.conversion);
    expr(v.value);
    expr(v.format_spec);
  }
  void expr_node(const JoinedStr& v) {
    text += "JoinedStr";
    exprs("values", v.values);
  }
  void expr_node(const Comp& v) {
    static constexpr const char* names[] = {"ListComp", "SetComp", "GeneratorExp"};
    text += names[static_cast<int>(v.kind)];
    expr(v.elt);
    generators(v.generators);
  }
  void expr_node(const DictComp& v) {
    text += "DictComp";
    expr(v.key);
    expr(v.value);
    generators(v.generators);
  }
  void expr_node(const Starred& v) {
    text += "Starred";
    expr(v.value);
  }
  void expr_node(const NamedExpr& v) {
    text += "NamedExpr";
    expr(v.target);
    expr(v.value);
  }
  void expr_node(const Lambda&) { text += "Lambda"; }
  void expr_node(const OtherExpr& v) { text += "Other " + v.type_name; }

  void stmt(const StmtPtr& node) {
    text += " {";
    std::visit([&](const auto& v) { stmt_node(v); }, node->node);
    position(node->position);
    text += "}";
  }

  void aliases(const std::vector<Alias>& names) {
    text += " names(";
    for (const Alias& a : names) {
      text += "(alias";
      word(a.name);
      optional_word(a.asname);
      position(a.position);
      text += ")";
    }
    text += ")";
  }

  void stmt_node(const Assign& v) {
    text += "Assign";
    exprs("targets", v.targets);
    expr(v.value);
  }
  void stmt_node(const AugAssign& v) {
    text += "AugAssign " + std::to_string(static_cast<int>(v.op));
    expr(v.target);
    expr(v.value);
  }
  void stmt_node(const AnnAssign& v) {
    text += "AnnAssign";
    expr(v.target);
    expr(v.annotation);
    expr(v.value);
  }
  void stmt_node(const ExprStmt& v) {
    text += "Expr";
    expr(v.value);
  }
  void stmt_node(const If& v) {
    text += "If";
    expr(v.test);
    block(" body", v.body);
    block(" orelse", v.orelse);
  }
  void stmt_node(const Try& v) {
    text += "Try";
    block(" body", v.body);
    text += " handlers(";
    for (const ExceptHandler& h : v.handlers) {
      text += "(handler";
      expr(h.type);
      optional_word(h.name);
      block(" body", h.body);
      position(h.position);
      text += ")";
    }
    text += ")";
    block(" orelse", v.orelse);
    block(" final", v.finalbody);
  }
  void stmt_node(const Import& v) {
    text += "Import";
    aliases(v.names);
  }
  void stmt_node(const ImportFrom& v) {
    text += "ImportFrom";
    optional_word(v.module);
    aliases(v.names);
    text += " level:" + std::to_string(v.level);
  }
  void stmt_node(const FunctionDef& v) {
    text += "FunctionDef";
    word(v.name);
    text += " params(";
    for (const Parameter& p : v.parameters) {
      text += "(param";
      word(p.name);
      text += " " + std::to_string(static_cast<int>(p.kind));
      expr(p.default_value);
      text += ")";
    }
    text += ")";
    block(" body", v.body);
  }
  void stmt_node(const ClassDef& v) {
    text += "ClassDef";
    word(v.name);
    exprs("bases", v.bases);
    block(" body", v.body);
  }
  void stmt_node(const Return& v) {
    text += "Return";
    expr(v.value);
  }
  void stmt_node(const Raise& v) {
    text += "Raise";
    expr(v.exception);
  }
  void stmt_node(const For& v) {
    text += "For";
    expr(v.target);
    expr(v.iter);
    block(" body", v.body);
    block(" orelse", v.orelse);
  }
  void stmt_node(const While& v) {
    text += "While";
    expr(v.test);
    block(" body", v.body);
    block(" orelse", v.orelse);
  }
  void stmt_node(const With& v) {
    text += "With items(";
    for (const WithItem& item : v.items) {
      text += "(item";
      expr(item.context_expr);
      expr(item.optional_vars);
      text += ")";
    }
    text += ")";
    block(" body", v.body);
  }
  void stmt_node(const Delete& v) {
    text += "Delete";
    exprs("targets", v.targets);
  }
  void stmt_node(const Pass&) { text += "Pass"; }
  void stmt_node(const Global& v) {
    text += "Global";
    for (const std::string& name : v.names) word(name);
  }
  void stmt_node(const OtherStmt& v) { text += "Other " + v.type_name; }
};

// The same text from ast.parse(): operator numbers are our enums' order, which follows the ast module's.
constexpr const char* canonical_python = R"PY(
import ast

BIN = [ast.Add, ast.Sub, ast.Mult, ast.MatMult, ast.Div, ast.Mod, ast.Pow, ast.LShift, ast.RShift, ast.BitOr,
       ast.BitXor, ast.BitAnd, ast.FloorDiv]
UNARY = [ast.Invert, ast.Not, ast.UAdd, ast.USub]
BOOL = [ast.And, ast.Or]
CMP = [ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn]
OTHER_EXPR = (ast.Await, ast.Yield, ast.YieldFrom)
COMP = {ast.ListComp: "ListComp", ast.SetComp: "SetComp", ast.GeneratorExp: "GeneratorExp"}

def canonical(source_bytes):
    lines = source_bytes.split(b"\n")
    out = []
    def column(line, offset):
        if line < 1 or line > len(lines) or offset < 0:
            return offset + 1
        return len(lines[line - 1][:offset].decode("utf-8", "replace")) + 1
    def position(node):
        out.append("@%d:%d-%d:%d" % (node.lineno, column(node.lineno, node.col_offset), node.end_lineno,
                                     column(node.end_lineno, node.end_col_offset)))
    def word(value):
        out.append(" '%s'" % value)
    def optional_word(value):
        out.append(" -" if value is None else " '%s'" % value)
    def exprs(label, values):
        out.append(" %s(" % label)
        for value in values:
            expr(value)
        out.append(")")
    def generators(items):
        out.append(" gens(")
        for item in items:
            out.append("(gen")
            expr(item.target)
            expr(item.iter)
            exprs("ifs", item.ifs)
            out.append(" async)" if item.is_async else ")")
        out.append(")")
    def constant(value):
        if value is None: out.append(" None")
        elif value is ... or isinstance(value, complex): out.append(" ...")
        elif value is True: out.append(" True")
        elif value is False: out.append(" False")
        elif isinstance(value, int):
            out.append(" int:%d" % value if -2**63 <= value < 2**63 else " big:%d" % value)
        elif isinstance(value, float):
            text = repr(value)
            out.append(" float:" + (text[:-2] if text.endswith(".0") else text))
        elif isinstance(value, str): word(value.encode("utf-8", "backslashreplace").decode("utf-8"))
        elif isinstance(value, bytes): out.append(" bytes:" + value.hex())
    def expr(node):
        if node is None:
            out.append(" null")
            return
        out.append(" (")
        t = type(node)
        if t is ast.Constant: out.append("Constant"); constant(node.value)
        elif t is ast.Name: out.append("Name"); word(node.id)
        elif t is ast.Attribute: out.append("Attribute"); expr(node.value); word(node.attr)
        elif t is ast.Subscript: out.append("Subscript"); expr(node.value); expr(node.slice)
        elif t is ast.Slice: out.append("Slice"); expr(node.lower); expr(node.upper); expr(node.step)
        elif t is ast.Call:
            out.append("Call"); expr(node.func); exprs("args", node.args); out.append(" kw(")
            for k in node.keywords:
                out.append("(kw"); optional_word(k.arg); expr(k.value); position(k); out.append(")")
            out.append(")")
        elif t is ast.BinOp:
            out.append("BinOp %d" % BIN.index(type(node.op))); expr(node.left); expr(node.right)
        elif t is ast.UnaryOp: out.append("UnaryOp %d" % UNARY.index(type(node.op))); expr(node.operand)
        elif t is ast.BoolOp: out.append("BoolOp %d" % BOOL.index(type(node.op))); exprs("values", node.values)
        elif t is ast.Compare:
            out.append("Compare"); expr(node.left)
            for op in node.ops:
                out.append(" %d" % CMP.index(type(op)))
            exprs("cmp", node.comparators)
        elif t is ast.IfExp: out.append("IfExp"); expr(node.test); expr(node.body); expr(node.orelse)
        elif t is ast.List: out.append("List"); exprs("elts", node.elts)
        elif t is ast.Tuple: out.append("Tuple"); exprs("elts", node.elts)
        elif t is ast.Set: out.append("Set"); exprs("elts", node.elts)
        elif t is ast.Dict: out.append("Dict"); exprs("keys", node.keys); exprs("values", node.values)
        elif t is ast.FormattedValue:
            out.append("FormattedValue %d" % node.conversion); expr(node.value); expr(node.format_spec)
        elif t is ast.JoinedStr: out.append("JoinedStr"); exprs("values", node.values)
        elif t in COMP: out.append(COMP[t]); expr(node.elt); generators(node.generators)
        elif t is ast.DictComp: out.append("DictComp"); expr(node.key); expr(node.value); generators(node.generators)
        elif t is ast.Starred: out.append("Starred"); expr(node.value)
        elif t is ast.NamedExpr: out.append("NamedExpr"); expr(node.target); expr(node.value)
        elif t is ast.Lambda: out.append("Lambda")
        elif t in OTHER_EXPR: out.append("Other " + t.__name__)
        else: raise ValueError("an expression kind the test does not know: " + t.__name__)
        position(node)
        out.append(")")
    def block(label, statements):
        out.append(label + "[")
        for statement in statements:
            stmt(statement)
        out.append("]")
    def aliases(names):
        out.append(" names(")
        for a in names:
            out.append("(alias"); word(a.name); optional_word(a.asname); position(a); out.append(")")
        out.append(")")
    def try_statement(node):
        out.append("Try"); block(" body", node.body); out.append(" handlers(")
        for h in node.handlers:
            out.append("(handler"); expr(h.type); optional_word(h.name); block(" body", h.body); position(h)
            out.append(")")
        out.append(")"); block(" orelse", node.orelse); block(" final", node.finalbody)
    def stmt(node):
        out.append(" {")
        t = type(node)
        if t is ast.Assign: out.append("Assign"); exprs("targets", node.targets); expr(node.value)
        elif t is ast.AugAssign:
            out.append("AugAssign %d" % BIN.index(type(node.op))); expr(node.target); expr(node.value)
        elif t is ast.AnnAssign: out.append("AnnAssign"); expr(node.target); expr(node.annotation); expr(node.value)
        elif t is ast.Expr: out.append("Expr"); expr(node.value)
        elif t is ast.If: out.append("If"); expr(node.test); block(" body", node.body); block(" orelse", node.orelse)
        elif t in (ast.Try, ast.TryStar): try_statement(node)
        elif t is ast.Import: out.append("Import"); aliases(node.names)
        elif t is ast.ImportFrom:
            out.append("ImportFrom"); optional_word(node.module); aliases(node.names); out.append(" level:%d" % node.level)
        elif t in (ast.FunctionDef, ast.AsyncFunctionDef):
            out.append("FunctionDef"); word(node.name); out.append(" params(")
            a = node.args
            positional = a.posonlyargs + a.args
            defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
            params = [(p.arg, 0, d) for p, d in zip(positional, defaults)]
            if a.vararg: params.append((a.vararg.arg, 1, None))
            params += [(p.arg, 2, d) for p, d in zip(a.kwonlyargs, a.kw_defaults)]
            if a.kwarg: params.append((a.kwarg.arg, 3, None))
            for name, kind, default in params:
                out.append("(param"); word(name); out.append(" %d" % kind); expr(default); out.append(")")
            out.append(")"); block(" body", node.body)
        elif t is ast.ClassDef: out.append("ClassDef"); word(node.name); exprs("bases", node.bases); block(" body", node.body)
        elif t is ast.Return: out.append("Return"); expr(node.value)
        elif t is ast.Raise: out.append("Raise"); expr(node.exc)
        elif t in (ast.For, ast.AsyncFor):
            out.append("For"); expr(node.target); expr(node.iter); block(" body", node.body); block(" orelse", node.orelse)
        elif t is ast.While: out.append("While"); expr(node.test); block(" body", node.body); block(" orelse", node.orelse)
        elif t in (ast.With, ast.AsyncWith):
            out.append("With items(")
            for item in node.items:
                out.append("(item"); expr(item.context_expr); expr(item.optional_vars); out.append(")")
            out.append(")"); block(" body", node.body)
        elif t is ast.Delete: out.append("Delete"); exprs("targets", node.targets)
        elif t is ast.Pass: out.append("Pass")
        elif t is ast.Global:
            out.append("Global")
            for name in node.names:
                word(name)
        else: out.append("Other " + t.__name__)
        position(node)
        out.append("}")
    try:
        tree = ast.parse(source_bytes)
    except (SyntaxError, ValueError):
        return None  # CPython refuses it too: the bridge must report a syntax error
    block("module", tree.body)
    return "".join(out)
)PY";

// Nothing when ast.parse refuses the source.
std::optional<std::string> canonical_from_python(const std::string& source) {
  REQUIRE(deployctl::python::ensure_full_interpreter().has_value());  // `import ast` needs the path-based importer
  static PyObject* function = [] {
    PyRef globals(PyDict_New());
    PyDict_SetItemString(globals.get(), "__builtins__", PyEval_GetBuiltins());
    PyRef ran(PyRun_String(canonical_python, Py_file_input, globals.get(), globals.get()));
    if (!ran) PyErr_Print();
    REQUIRE(ran);
    PyObject* found = PyDict_GetItemString(globals.get(), "canonical");
    Py_XINCREF(found);
    return found;
  }();
  PyRef bytes(PyBytes_FromStringAndSize(source.data(), static_cast<Py_ssize_t>(source.size())));
  PyRef text(PyObject_CallOneArg(function, bytes.get()));
  if (!text) {
    PyErr_Print();
    FAIL("the canonical writer failed");
  }
  if (text.get() == Py_None) return std::nullopt;
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(text.get(), &size);
  REQUIRE(data != nullptr);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string canonical_from_bridge(const std::string& source, const std::string& name) {
  const ParseResult result = parse_module(source, name);
  const Module* module = std::get_if<Module>(&result);
  REQUIRE_MESSAGE(module != nullptr, name << " does not parse");
  Canonical canonical;
  canonical.block("module", module->body);
  return canonical.text;
}

// Every node kind the bridge knows (and those it keeps only as Other), with non-ASCII text and odd constants.
constexpr const char* every_kind = R"PY(
import os, os.path as p
from . import sibling
from ..parent.mod import (a as b, c)
from x import *
X: int = 1
Y: "str"
X += 2; X -= 1; X *= 3; X @= M; X /= 2; X %= 5; X **= 2; X <<= 1; X >>= 1; X |= 1; X ^= 1; X &= 1; X //= 2
A = B = [1, 2.5, -3, 1e30, 1.0, 0.1, 2**64, 10**30, 123456789012345678901234567890, 1j, b'\x00\xff', ..., None]
S = {'k': v, **rest, 'é': "çà"}, {1, 2}, (x,), ()
T = a[1:2], a[::3], a[x, y], a.b.c, f(*args, k=1, **kw)(g)
U = not a, -b, +c, ~d, a and b or c, a < b <= c != d is not e in f not in g, a if b else c
V = [x for x in y if x if not z], {k: v for k, v in d.items()}, {s for s in t}, (g for g in h for i in g)
W = f"{a!r:>{width}} and {b!s} {c!a} {{literal}} {d:%Y-%m-%d}", (n := 10), lambda q: q, *rest,
if a:
    pass
elif b:
    pass
else:
    del a, b[0], c.d
try:
    import missing
except (ImportError, ValueError) as error:
    raise
except:
    pass
else:
    pass
finally:
    pass
try:
    pass
except* OSError:
    pass
with open(p) as f, lock:
    f.read()
for i, j in pairs:
    continue
else:
    break
while True:
    global G, H
async def coroutine():
    await thing
    async for item in stream:
        yield item
    async with guard as g:
        yield from other
    nonlocal_name = 1
@decorator
class Settings(Base, metaclass=Meta):
    '''docstring'''
    def method(self, *a, **k):
        return a
match command:
    case [x, y]:
        pass
assert a, "message"
NAMÉ = 'ünïcode'
)PY";

std::vector<std::filesystem::path> python_files() {
  std::vector<std::filesystem::path> files;
  for (const char* root : {DEPLOYCTL_FIXTURES_DIR, DEPLOYCTL_SOURCE_DIR "/share/examples/mysite"})
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
      if (entry.is_regular_file() && entry.path().extension() == ".py") files.push_back(entry.path());
  std::ranges::sort(files);
  return files;
}

}  // namespace

TEST_SUITE("python-parser-oracle") {
  TEST_CASE("a source with every node kind converts exactly as ast.parse reads it") {
    CHECK(std::optional(canonical_from_bridge(every_kind, "every_kind.py")) == canonical_from_python(every_kind));
  }

  TEST_CASE("every fixture and the example project convert exactly as ast.parse reads them") {
    std::size_t compared = 0;
    std::size_t refused = 0;
    for (const std::filesystem::path& file : python_files()) {
      std::ifstream in(file, std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      const std::string source = buffer.str();
      INFO(file.string());
      const std::optional<std::string> expected = canonical_from_python(source);
      if (!expected) {  // the syntax-error fixtures: refused by both
        CHECK(std::holds_alternative<SyntaxError>(parse_module(source, file.string())));
        ++refused;
        continue;
      }
      CHECK(canonical_from_bridge(source, file.string()) == *expected);
      ++compared;
    }
    CHECK(compared > 100);
    CHECK(refused > 0);
  }
}
