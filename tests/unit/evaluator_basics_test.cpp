// The evaluator on plain module code: literals and their origins, assignment forms, mutation, del, names.
#include "evaluator_support.hpp"

using namespace evaluator_test;

TEST_SUITE("evaluator-basics") {
  TEST_CASE("literals are known, literal, and remember where they were written") {
    const auto model = run("DEBUG = True\nPORT = 8000\nRATIO = 0.5\nNAME = 'site'\nNOTHING = None\nNEG = -1\n");
    CHECK(setting(model, "DEBUG").is_true());
    CHECK(setting(model, "DEBUG").literal);
    CHECK(setting(model, "DEBUG").origin.file == "settings.py");
    CHECK(setting(model, "DEBUG").origin.position.line == 1);
    CHECK(setting(model, "DEBUG").origin.position.column == 9);
    CHECK(setting(model, "PORT").integer == 8000);
    CHECK(setting(model, "RATIO").floating == doctest::Approx(0.5));
    CHECK(is_string(setting(model, "NAME"), "site"));
    CHECK(setting(model, "NOTHING").kind == Kind::none);
    CHECK(setting(model, "NEG").integer == -1);
    CHECK(setting(model, "NEG").literal);
    CHECK(model.problems.empty());
  }

  TEST_CASE("computed values are known but not literal") {
    const auto model = run("A = 'x' + 'y'\nB = [1] * 2\nC = 7 // 2\n");
    CHECK(is_string(setting(model, "A"), "xy"));
    CHECK_FALSE(setting(model, "A").literal);
    CHECK(setting(model, "B").items.size() == 2);
    CHECK(setting(model, "C").integer == 3);
  }

  TEST_CASE("a name bound to another name is the same value, with the original origin") {
    const auto model = run("KEY = 'abc'\nSECRET_KEY = KEY\n");
    CHECK(is_string(setting(model, "SECRET_KEY"), "abc"));
    CHECK(setting(model, "SECRET_KEY").literal);
    CHECK(setting(model, "SECRET_KEY").origin.position.line == 1);
  }

  TEST_CASE("tuple and list unpacking, starred, chained assignment") {
    const auto model = run("A, B = 1, 2\n[C, D] = ['c', 'd']\nE, *F = 1, 2, 3\nG = H = 'same'\n");
    CHECK(setting(model, "A").integer == 1);
    CHECK(setting(model, "B").integer == 2);
    CHECK(is_string(setting(model, "D"), "d"));
    CHECK(setting(model, "F").items.size() == 2);
    CHECK(is_string(setting(model, "G"), "same"));
    CHECK(is_string(setting(model, "H"), "same"));
  }

  TEST_CASE("unpacking an unknown value leaves every target unknown") {
    const auto model = run("import os\nA, B = os.environ['PAIR'].split(':')\n");
    CHECK_FALSE(setting(model, "A").is_known());
    CHECK_FALSE(setting(model, "B").is_known());
  }

  TEST_CASE("augmented assignment and list mutation") {
    const auto model =
        run("APPS = ['a']\nAPPS += ['b']\nAPPS.append('c')\nAPPS.extend(('d',))\nAPPS.insert(0, 'z')\n"
            "APPS.remove('a')\nN = 1\nN += 2\nS = 'x'\nS *= 3\n");
    const Value& apps = setting(model, "APPS");
    REQUIRE(apps.items.size() == 4);
    CHECK(is_string(apps.items[0], "z"));
    CHECK(is_string(apps.items[3], "d"));
    CHECK(apps.contains_string("c") == true);
    CHECK(apps.contains_string("a") == false);
    CHECK(setting(model, "N").integer == 3);
    CHECK(is_string(setting(model, "S"), "xxx"));
  }

  TEST_CASE("mutating a list through an alias changes every name bound to it, as in Python") {
    const auto model = run("A = ['x']\nB = A\nB.append('y')\n");
    CHECK(setting(model, "A").items.size() == 2);
  }

  TEST_CASE("dict item assignment, nested, update and setdefault") {
    const auto model =
        run("DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3'}}\n"
            "DATABASES['default']['CONN_MAX_AGE'] = 60\n"
            "DATABASES['default'].update({'NAME': 'db'}, HOST='h')\n"
            "CACHES = {}\nCACHES.setdefault('default', {'BACKEND': 'x'})\nCACHES.setdefault('default', {})\n");
    const Value* default_db = setting(model, "DATABASES").get("default");
    REQUIRE(default_db != nullptr);
    REQUIRE(default_db->get("CONN_MAX_AGE") != nullptr);
    CHECK(default_db->get("CONN_MAX_AGE")->integer == 60);
    CHECK(is_string(*default_db->get("NAME"), "db"));
    CHECK(is_string(*default_db->get("HOST"), "h"));
    CHECK(is_string(*setting(model, "CACHES").get("default")->get("BACKEND"), "x"));
  }

  TEST_CASE("item assignment with an unknown key makes the dict unknown") {
    const auto model = run("import os\nD = {'a': 1}\nD[os.environ['K']] = 2\n");
    CHECK_FALSE(setting(model, "D").is_known());
  }

  TEST_CASE("del removes names and items") {
    const auto model = run("A = 1\nB = {'x': 1, 'y': 2}\nC = [1, 2, 3]\ndel A\ndel B['x'], C[0]\n");
    CHECK(model.get("A") == nullptr);
    CHECK(setting(model, "B").get("x") == nullptr);
    CHECK(setting(model, "C").items.size() == 2);
  }

  TEST_CASE("undefined names are unknown and say why") {
    const auto model = run("X = UNDEFINED_THING\n");
    CHECK_FALSE(setting(model, "X").is_known());
    CHECK(setting(model, "X").unknown_reason.find("not defined") != std::string::npos);
  }

  TEST_CASE("functions and classes are objects: calling a function runs it, an instance is unknown") {
    const auto model =
        run("def helper():\n    return True\nclass Thing:\n    pass\nX = helper()\nT = Thing\nI = Thing()\n");
    CHECK(setting(model, "helper").kind == Kind::object);
    CHECK(setting(model, "T").text == "class settings.Thing");
    CHECK(setting(model, "X").is_true());
    CHECK_FALSE(setting(model, "I").is_known());
    CHECK(setting(model, "I").producer == "settings.Thing");
  }

  TEST_CASE("a syntax error is a DPL001 problem, not a failure") {
    const auto model = run("DEBUG = False\nALLOWED_HOSTS = [\n");
    CHECK(has_problem(model, "DPL001"));
    CHECK(model.values.empty());
    REQUIRE(model.files.size() == 1);
    CHECK(model.files.front().text.starts_with("DEBUG"));
  }
}
