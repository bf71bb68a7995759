// The CPython ast bridge: every node kind the evaluator uses arrives with its fields and positions.
#include <doctest/doctest.h>

#include "checks/python/parser.hpp"
#include "python/interpreter.hpp"

using namespace deployctl::checks::python;
using deployctl::python::parsing_may_import;

namespace {

Module parse_ok(std::string_view source) {
  auto result = parse_module(source, "test.py");
  if (auto* error = std::get_if<SyntaxError>(&result)) FAIL("unexpected syntax error: " << error->message);
  return std::get<Module>(std::move(result));
}

SyntaxError parse_error(std::string_view source) {
  auto result = parse_module(source, "test.py");
  REQUIRE(std::holds_alternative<SyntaxError>(result));
  return std::get<SyntaxError>(result);
}

const ExprPtr& assigned_value(const Module& module, std::size_t index = 0) {
  REQUIRE(module.body.size() > index);
  const auto* assign = as<Assign>(module.body[index]);
  REQUIRE(assign != nullptr);
  return assign->value;
}

}  // namespace

TEST_SUITE("python-parser") {
  TEST_CASE("constants keep their Python types") {
    const Module m = parse_ok(
        "a = True\nb = 1\nc = 1.5\nd = 'x'\ne = None\nf = b'raw'\ng = 10**30\nh = 123456789012345678901234567890\n");
    CHECK(std::get<bool>(as<Constant>(assigned_value(m, 0))->value) == true);
    CHECK(std::get<std::int64_t>(as<Constant>(assigned_value(m, 1))->value) == 1);
    CHECK(std::get<double>(as<Constant>(assigned_value(m, 2))->value) == doctest::Approx(1.5));
    CHECK(std::get<std::string>(as<Constant>(assigned_value(m, 3))->value) == "x");
    CHECK(std::holds_alternative<NoneLiteral>(as<Constant>(assigned_value(m, 4))->value));
    CHECK(std::get<Bytes>(as<Constant>(assigned_value(m, 5))->value).data == "raw");
    CHECK(as<BinOp>(assigned_value(m, 6))->op == BinaryOperator::pow);
    CHECK(std::get<BigInt>(as<Constant>(assigned_value(m, 7))->value).digits == "123456789012345678901234567890");
  }

  TEST_CASE("calls keep positional and keyword arguments") {
    const Module m = parse_ok("X = os.environ.get('DEBUG', default=False, **extra)\n");
    const auto* call = as<Call>(assigned_value(m));
    REQUIRE(call != nullptr);
    const auto* get = as<Attribute>(call->func);
    REQUIRE(get != nullptr);
    CHECK(get->attr == "get");
    CHECK(as<Attribute>(get->value)->attr == "environ");
    CHECK(as<Name>(as<Attribute>(get->value)->value)->id == "os");
    REQUIRE(call->args.size() == 1);
    REQUIRE(call->keywords.size() == 2);
    CHECK(call->keywords[0].arg == "default");
    CHECK_FALSE(call->keywords[1].arg.has_value());
  }

  TEST_CASE("positions are 1-based and count characters, not bytes") {
    const Module m = parse_ok("NAME = 'é' + X\n");
    const auto* add = as<BinOp>(assigned_value(m));
    REQUIRE(add != nullptr);
    CHECK(add->right->position.line == 1);
    CHECK(add->right->position.column == 14);  // "NAME = 'é' + " is 13 characters (14 bytes)
    CHECK(m.body[0]->position.column == 1);
    CHECK(m.body[0]->position.end_column == 15);
  }

  TEST_CASE("statements the evaluator walks") {
    const Module m = parse_ok(
        "from .base import *\n"
        "import os.path as p\n"
        "try:\n    from .local import *\nexcept ImportError:\n    pass\n"
        "if DEBUG:\n    A = 1\nelif X:\n    A = 2\nelse:\n    A = 3\n"
        "L += [1]\n"
        "D['a']['b'] = 2\n"
        "def f():\n    return 1\n"
        "for i in range(3):\n    pass\n"
        "x: int = 3\n"
        "del x\n");
    REQUIRE(m.body.size() == 10);
    const auto* star = as<ImportFrom>(m.body[0]);
    REQUIRE(star != nullptr);
    CHECK(star->level == 1);
    CHECK(star->module == "base");
    CHECK(star->names.at(0).name == "*");
    const auto* import = as<Import>(m.body[1]);
    CHECK(import->names.at(0).name == "os.path");
    CHECK(import->names.at(0).asname == "p");
    const auto* attempt = as<Try>(m.body[2]);
    REQUIRE(attempt != nullptr);
    CHECK(as<Name>(attempt->handlers.at(0).type)->id == "ImportError");
    const auto* branch = as<If>(m.body[3]);
    REQUIRE(branch != nullptr);
    CHECK(as<If>(branch->orelse.at(0)) != nullptr);  // elif is a nested If
    CHECK(as<AugAssign>(m.body[4])->op == BinaryOperator::add);
    const auto* item = as<Assign>(m.body[5]);
    CHECK(as<Subscript>(item->targets.at(0)) != nullptr);
    CHECK(as<FunctionDef>(m.body[6])->name == "f");
    CHECK(as<For>(m.body[7]) != nullptr);
    CHECK(as<AnnAssign>(m.body[8])->value != nullptr);
    CHECK(as<Delete>(m.body[9]) != nullptr);
  }

  TEST_CASE("f-strings, comprehensions, comparisons and boolean operators") {
    const Module m = parse_ok(
        "a = f'{BASE}/static/{x!r}'\n"
        "b = [h.strip() for h in HOSTS.split(',') if h]\n"
        "c = X == 'true' and not Y or Z in ('1', 'yes')\n"
        "d = {k: v for k, v in items}\n"
        "e = A if B else C\n");
    const auto* fstring = as<JoinedStr>(assigned_value(m, 0));
    REQUIRE(fstring != nullptr);
    REQUIRE(fstring->values.size() == 3);
    CHECK(as<FormattedValue>(fstring->values[2])->conversion == 'r');
    const auto* comp = as<Comp>(assigned_value(m, 1));
    REQUIRE(comp != nullptr);
    CHECK(comp->kind == ComprehensionKind::list);
    CHECK(comp->generators.at(0).ifs.size() == 1);
    const auto* either = as<BoolOp>(assigned_value(m, 2));
    REQUIRE(either != nullptr);
    CHECK(either->op == BoolOperator::logical_or);
    const auto* both = as<BoolOp>(either->values.at(0));
    CHECK(both->op == BoolOperator::logical_and);
    CHECK(as<Compare>(both->values.at(0))->ops.at(0) == CompareOperator::eq);
    CHECK(as<UnaryOp>(both->values.at(1))->op == UnaryOperator::logical_not);
    CHECK(as<Compare>(either->values.at(1))->ops.at(0) == CompareOperator::in);
    CHECK(as<DictComp>(assigned_value(m, 3)) != nullptr);
    CHECK(as<IfExp>(assigned_value(m, 4)) != nullptr);
  }

  TEST_CASE("dict displays keep ** unpacking as a null key") {
    const Module m = parse_ok("D = {'a': 1, **BASE}\n");
    const auto* dict = as<DictExpr>(assigned_value(m));
    REQUIRE(dict != nullptr);
    REQUIRE(dict->keys.size() == 2);
    CHECK(dict->keys[0] != nullptr);
    CHECK(dict->keys[1] == nullptr);
  }

  TEST_CASE("syntax errors carry CPython's message and position") {
    const SyntaxError unclosed = parse_error("A = 1\nB = (\n");
    CHECK(unclosed.message == "'(' was never closed");
    CHECK(unclosed.line == 2);
    CHECK(unclosed.column == 5);
    const SyntaxError indent = parse_error("A = 1\n  B = 2\n");
    CHECK(indent.message == "unexpected indent");
    CHECK(indent.line == 2);
  }

  TEST_CASE("hostile input is an error, never a crash") {
    CHECK(parse_error(std::string_view("A = 1\0", 6)).message.find("NUL") != std::string::npos);
    CHECK(parse_error("A = '\xff'\n").line == 1);
    CHECK(parse_error("x = " + std::string(5000, '[') + std::string(5000, ']')).message ==
          "too many nested parentheses");
    std::string chain = "x = 1";
    for (int i = 0; i < 50000; ++i) chain += "+1";
    auto result = parse_module(chain, "chain.py");  // CPython may refuse it or build it; either way no crash
    if (auto* module = std::get_if<Module>(&result)) CHECK(module->body.size() == 1);
    CHECK(parse_error("x = " + std::string(100000, '-') + "1").message == "too deeply nested for the parser");
  }

  TEST_CASE("a coding cookie is honoured") {
    const Module m = parse_ok("# -*- coding: latin-1 -*-\nA = '\xe9'\n");
    CHECK(std::get<std::string>(as<Constant>(assigned_value(m))->value) == "\xc3\xa9");
  }

  TEST_CASE("after core-only parses, sources that need codecs or unicodedata still parse") {
    // ctest runs each test case in its own process: the first parse starts only the interpreter's core.
    CHECK(std::get<std::int64_t>(as<Constant>(assigned_value(parse_ok("A = 1\n")))->value) == 1);
    const Module cp1252 = parse_ok("# coding: cp1252\nA = '\x80'\n");
    CHECK(std::get<std::string>(as<Constant>(assigned_value(cp1252))->value) == "\xe2\x82\xac");  // the euro sign
    const Module named = parse_ok("A = '\\N{EM DASH}'\n");
    CHECK(std::get<std::string>(as<Constant>(assigned_value(named))->value) == "\xe2\x80\x94");
    const Module identifier = parse_ok("\xef\xac\x81x = 1\n");  // U+FB01 (fi ligature) is NFKC-folded to "fix"
    CHECK(as<Name>(as<Assign>(identifier.body[0])->targets[0])->id == "fix");
  }

  TEST_CASE("parsing_may_import is conservative") {
    CHECK_FALSE(parsing_may_import("DEBUG = False\n# plain ASCII\n", "settings.py"));
    CHECK(parsing_may_import("A = 'caf\xc3\xa9'\n", "settings.py"));
    CHECK(parsing_may_import("A = 1\n", "caf\xc3\xa9.py"));
    CHECK(parsing_may_import("A = '\\N{BULLET}'\n", "settings.py"));
    CHECK(parsing_may_import("#!/usr/bin/env python\n# vim: set fileencoding=koi8-r :\n", "settings.py"));
    CHECK_FALSE(parsing_may_import("A = 1\nB = 2\n# coding: koi8-r (line 3 is not read for cookies)\n", "s.py"));
  }
}
