// Hostile and large inputs: no crash, no hang, no runaway memory; what cannot be bounded becomes unknown.
#include "evaluator_support.hpp"

#include <random>

#include "temp_dir.hpp"

using namespace evaluator_test;
using deployctl::checks::settings::evaluate_settings;

namespace {

std::size_t node_count(const Value& value) {
  std::size_t count = 1;
  for (const Value& item : value.items) count += node_count(item);
  for (const auto& [key, item] : value.entries) count += node_count(key) + node_count(item);
  return count;
}

}  // namespace

TEST_SUITE("evaluator-robustness") {
  TEST_CASE("huge repetitions and doublings become unknown instead of allocating") {
    std::string source = "A = 'x' * 10**9\nB = [0] * 10**9\nL = [1]\nS = 'ab'\n";
    for (int i = 0; i < 64; ++i) source += "L = [L, L]\nS = S + S\n";
    const auto model = run(source);
    CHECK_FALSE(setting(model, "A").is_known());
    CHECK_FALSE(setting(model, "B").is_known());
    // Whenever the list grows past the limits it becomes unknown and starts over: it never gets large.
    CHECK(node_count(setting(model, "L")) <= 20000);
    CHECK_FALSE(setting(model, "S").is_known());
  }

  TEST_CASE("deeply nested expressions and long operator chains do not exhaust the stack") {
    std::string chain = "X = 1";
    for (int i = 0; i < 20000; ++i) chain += " + 1";
    const auto long_chain = run(chain + "\nY = 2\n");
    // CPython itself may refuse this as too deeply nested; either way, no crash.
    CHECK((has_problem(long_chain, "DPL001") || setting(long_chain, "Y").integer == 2));
    const auto parens = run("X = " + std::string(5000, '(') + "1" + std::string(5000, ')') + "\n");
    CHECK((has_problem(parens, "DPL001") || parens.get("X") != nullptr));
    std::string lists = "X = ";
    for (int i = 0; i < 150; ++i) lists += "[";
    for (int i = 0; i < 150; ++i) lists += "]";
    (void)run(lists + "\n");
  }

  TEST_CASE("deeply nested unknown branches stay linear") {
    std::string source = "import sys\n";
    std::string indent;
    for (int i = 0; i < 90; ++i) {
      source += indent + "if sys.argv:\n";
      indent += " ";
      source += indent + "X" + std::to_string(i) + " = " + std::to_string(i) + "\n";
    }
    source += "DONE = True\n";
    const auto model = run(source);  // an exponential walk would hit ctest's timeout for unit tests
    CHECK(setting(model, "DONE").is_true());
  }

  TEST_CASE("many statements, many if/else merges") {
    std::string source = "import sys\n";
    for (int i = 0; i < 5000; ++i) {
      source += "V" + std::to_string(i % 50) + " = " + std::to_string(i) + "\n";
      if (i % 10 == 0) source += "if sys.argv:\n    V" + std::to_string(i % 50) + " = 'x'\n";
    }
    const auto model = run(source);  // an exponential walk would hit ctest's timeout for unit tests
    CHECK(model.get("V49") != nullptr);
  }

  TEST_CASE("random token soup never crashes the evaluator") {
    const char* tokens[] = {"X",      "=",           "(",      ")",     "[",    "]",    "{",
                            "}",      ",",           ":",      "'s'",   "1",    "if",   "else",
                            "for",    "in",          "import", "from",  ".",    "*",    "+",
                            "os",     "environ",     "get",    "\n",    "    ", "try",  "except",
                            "lambda", "not",         "and",    "or",    "**",   "%",    "f'{X}'",
                            "del",    "with",        "as",     "yield", "None", "True", "[x for x in X]",
                            "X[0]",   "X.append(1)", "global", "while"};
    std::mt19937 random(12345);
    std::uniform_int_distribution<std::size_t> pick(0, std::size(tokens) - 1);
    std::uniform_int_distribution<int> length(1, 40);
    int parsed = 0;
    for (int round = 0; round < 400; ++round) {
      std::string source;
      for (int i = length(random); i > 0; --i) source += std::string(tokens[pick(random)]) + " ";
      const auto model = run(source + "\n");
      if (model.problems.empty()) ++parsed;
    }
    CHECK(parsed >= 0);  // the point is surviving every input
  }

  TEST_CASE("imports nested deeper than Python allows are a DPL002 problem, not a stack overflow") {
    deployctl::testing::TempDir project;
    project.write("deep/__init__.py", "");
    project.write("deep/m0.py", "V0 = 0\n");
    for (int i = 1; i < 300; ++i)
      project.write("deep/m" + std::to_string(i) + ".py", "from .m" + std::to_string(i - 1) + " import *\nV" +
                                                              std::to_string(i) + " = " + std::to_string(i) + "\n");
    auto result = evaluate_settings(project.root(), "deep.m299", {});
    REQUIRE(result.has_value());
    CHECK(has_problem(*result, "DPL002", "nest"));
    CHECK(setting(*result, "V299").integer == 299);
  }

  // How fast this runs is measured by bench/check_scaling.sh, never here: timings do not belong in tests.
  TEST_CASE("500 settings modules joined by star imports all contribute their settings") {
    deployctl::testing::TempDir project;
    project.write("wide/__init__.py", "");
    project.write("wide/base.py", "import os\nDEBUG = False\nINSTALLED_APPS = ['a']\n");
    std::string entry = "from .base import *\n";
    for (int i = 0; i < 500; ++i) {
      std::string module = "from .base import *\n";
      for (int k = 0; k < 10; ++k)
        module += "S" + std::to_string(i) + "_" + std::to_string(k) + " = os.environ.get('V" + std::to_string(k) +
                  "', " + std::to_string(k) + ")\n";
      module += "if os.environ.get('X'):\n    DEBUG = True\nINSTALLED_APPS = INSTALLED_APPS + ['m" + std::to_string(i) +
                "']\n";
      project.write("wide/m" + std::to_string(i) + ".py", module);
      entry += "from .m" + std::to_string(i) + " import *\n";
    }
    project.write("wide/settings.py", entry);
    auto result = evaluate_settings(project.root(), "wide.settings", {});
    REQUIRE(result.has_value());
    CHECK(setting(*result, "S499_9").integer == 9);
    CHECK(setting(*result, "INSTALLED_APPS").items.size() == 2);
    CHECK(result->files.size() == 503);
  }
}
