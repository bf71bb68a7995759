// The idioms real settings use around their own code: helper functions, loops, raises that make a variable
// required, globals() writes, classes. Each resolves when it can and otherwise stays unknown saying why.
#include "evaluator_support.hpp"

using namespace evaluator_test;

namespace {

bool reason_has(const Value& value, std::string_view fragment) {
  return value.unknown_reason.find(fragment) != std::string::npos;
}

constexpr const char* envbool_helper =
    "import os\n"
    "def envbool(name, default):\n"
    "    value = os.environ.get(name, default)\n"
    "    return value.lower() in ('1', 'true', 'yes')\n";

}  // namespace

TEST_SUITE("evaluator-project-code") {
  TEST_CASE("a helper defined in the settings is followed, with the env read it makes") {
    const auto model = run(std::string(envbool_helper) + "DEBUG = envbool('DEBUG', 'True')\n");
    const Value& debug = setting(model, "DEBUG");
    CHECK(debug.is_true());
    REQUIRE(debug.env != nullptr);
    CHECK(debug.env->variable == "DEBUG");
    CHECK_FALSE(debug.env->is_set);
    CHECK(debug.origin.position.line == 5);  // the settings line, not the helper's
    const auto set = run(std::string(envbool_helper) + "DEBUG = envbool('DEBUG', 'True')\n", env_of({{"DEBUG", "no"}}));
    CHECK(setting(set, "DEBUG").is_false());
  }

  TEST_CASE("keyword arguments, defaults, *args and **kwargs bind like Python") {
    const auto model =
        run("def f(a, b=2, *rest, c, d=4, **extra):\n    return [a, b, list(rest), c, d, sorted(extra)]\n"
            "X = f(1, c=3)\nY = f(1, 5, 6, 7, c=8, z=9)\n");
    const Value& x = setting(model, "X");
    REQUIRE(x.kind == Kind::list);
    CHECK(x.items[0].integer == 1);
    CHECK(x.items[1].integer == 2);
    CHECK(x.items[3].integer == 3);
    CHECK(x.items[4].integer == 4);
    const Value& y = setting(model, "Y");
    REQUIRE(y.kind == Kind::list);
    CHECK(y.items[2].items.size() == 2);
    CHECK(y.items[5].items.size() == 1);
  }

  TEST_CASE("a helper returning a tuple feeds an unpacking assignment") {
    const auto model =
        run("def setup(debug):\n    apps = ['django.contrib.admin']\n    middleware = ['a.B']\n"
            "    if debug:\n        apps.append('debug_toolbar')\n    return apps, middleware\n"
            "INSTALLED_APPS, MIDDLEWARE = setup(False)\n");
    CHECK(setting(model, "INSTALLED_APPS").items.size() == 1);
    CHECK(setting(model, "MIDDLEWARE").items.size() == 1);
  }

  TEST_CASE("a helper whose result depends on an unknown condition gives its possible returns") {
    const auto model =
        run("import sys\ndef pick():\n    if 'x' in sys.argv:\n        return 'a'\n    return 'b'\nX = pick()\n");
    const Value& x = setting(model, "X");
    CHECK_FALSE(x.is_known());
    CHECK(reason_has(x, "pick()"));
    CHECK(x.alternatives.size() == 2);
  }

  TEST_CASE("a helper that calls itself, or misses an argument, stays unknown saying why") {
    const auto model = run("def f(n):\n    return f(n)\nX = f(1)\ndef g(a):\n    return a\nY = g()\n");
    CHECK(reason_has(setting(model, "X"), "calls itself"));
    CHECK(reason_has(setting(model, "Y"), "without its argument 'a'"));
    CHECK(reason_has(setting(model, "Y"), "settings.py:4"));
  }

  TEST_CASE("a helper writes module globals it declares global, and containers it changes in place") {
    const auto model =
        run("MIDDLEWARE = ['a']\nFLAG = False\ndef add(name):\n    global FLAG\n    FLAG = True\n"
            "    MIDDLEWARE.append(name)\nadd('b')\n");
    CHECK(setting(model, "FLAG").is_true());
    CHECK(setting(model, "MIDDLEWARE").items.size() == 2);
  }

  TEST_CASE("a helper handed globals() sets the names it writes") {
    const auto model = run("def configure(g):\n    g['DEBUG'] = False\n    g.update({'X': 1})\nconfigure(globals())\n");
    CHECK(setting(model, "DEBUG").is_false());
    CHECK(setting(model, "X").integer == 1);
  }

  TEST_CASE("a for loop over a known list runs, with break and continue") {
    const auto model =
        run("MIDDLEWARE = ['a']\nfor m in ['b', 'skip', 'c', 'stop', 'd']:\n    if m == 'skip':\n        continue\n"
            "    if m == 'stop':\n        break\n    MIDDLEWARE.append(m)\nelse:\n    NEVER = 1\n");
    const Value& middleware = setting(model, "MIDDLEWARE");
    REQUIRE(middleware.kind == Kind::list);
    CHECK(middleware.items.size() == 3);
    CHECK(model.get("NEVER") == nullptr);
  }

  TEST_CASE("a for loop over an unknown iterable leaves what it changes unknown, saying which loop") {
    const auto model = run("import sys\nMIDDLEWARE = ['a']\nfor m in sys.argv:\n    MIDDLEWARE.append(m)\n");
    const Value& middleware = setting(model, "MIDDLEWARE");
    CHECK_FALSE(middleware.is_known());
    CHECK(reason_has(middleware, "for loop at settings.py:3"));
  }

  TEST_CASE("a loop over an unknown iterable that only adds to a list keeps its items, plus maybe more") {
    const auto model =
        run("import sys\nMIDDLEWARE = ['a']\nfor m in sys.argv:\n    MIDDLEWARE.append(m)\n"
            "APPS = ('x',)\nfor m in sys.argv:\n    APPS += (m,)\n");
    const Value& middleware = setting(model, "MIDDLEWARE");
    CHECK_FALSE(middleware.is_known());
    REQUIRE(middleware.alternatives.size() == 2);
    CHECK(middleware.alternatives[0].items.size() == 1);
    REQUIRE(middleware.alternatives[1].items.size() == 2);
    CHECK(is_string(middleware.alternatives[1].items[0], "a"));
    CHECK_FALSE(middleware.alternatives[1].items[1].is_known());
    CHECK(setting(model, "APPS").alternatives.size() == 2);
    // A loop that also removes or reorders leaves the list unknown.
    const auto other = run("import sys\nM = ['a']\nfor m in sys.argv:\n    M.remove(m)\n    M.insert(0, m)\n");
    CHECK_FALSE(setting(other, "M").is_known());
    CHECK(setting(other, "M").alternatives.empty());
  }

  TEST_CASE("a conditional list edit under an unknown condition gives the items, plus maybe these") {
    const auto model = run("import sys\nMIDDLEWARE = ('a',)\nif sys.argv:\n    MIDDLEWARE += ('b',)\n");
    const Value& middleware = setting(model, "MIDDLEWARE");
    REQUIRE(middleware.alternatives.size() == 2);
    CHECK(middleware.alternatives[0].items.size() + middleware.alternatives[1].items.size() == 3);
  }

  TEST_CASE("a break that depends on an unknown condition gives the loop up") {
    const auto model =
        run("import sys\nX = []\nfor m in ['a', 'b']:\n    if sys.argv:\n        break\n    X.append(m)\n");
    CHECK_FALSE(setting(model, "X").is_known());
    CHECK(reason_has(setting(model, "X"), "break or continue"));
  }

  TEST_CASE("globals()[name] with known names binds them, from a loop too") {
    const auto model = run("for name in ['A', 'B']:\n    globals()[name + '_FLAG'] = True\nvars().update({'C': 3})\n");
    CHECK(setting(model, "A_FLAG").is_true());
    CHECK(setting(model, "B_FLAG").is_true());
    CHECK(setting(model, "C").integer == 3);
  }

  TEST_CASE("globals() written with unknown names makes earlier settings unknown, later ones stay known") {
    const auto model = run("import sys\nDEBUG = False\nglobals()[sys.argv[0]] = True\nSECRET_KEY = 'x' * 60\n");
    const Value& debug = setting(model, "DEBUG");
    CHECK_FALSE(debug.is_known());
    CHECK(reason_has(debug, "globals()[...]"));
    REQUIRE(debug.alternatives.size() == 1);
    CHECK(debug.alternatives[0].is_false());
    CHECK(setting(model, "SECRET_KEY").is_string());
    CHECK_FALSE(model.namespace_complete);
    const auto update = run("import sys\nDEBUG = False\nglobals().update(sys.modules)\n");
    CHECK(reason_has(setting(update, "DEBUG"), "globals().update()"));
  }

  TEST_CASE("if not X: raise makes an unset variable without a default required, and ends that path") {
    const std::string source =
        "import os\nfrom django.core.exceptions import ImproperlyConfigured\n"
        "SECRET_KEY = os.environ.get('SECRET_KEY')\nif not SECRET_KEY:\n"
        "    raise ImproperlyConfigured('SECRET_KEY')\nDEBUG = False\n";
    const auto model = run(source);
    const Value& key = setting(model, "SECRET_KEY");
    CHECK_FALSE(key.is_known());
    CHECK(reason_has(key, "required from the environment"));
    REQUIRE(key.env != nullptr);
    CHECK(key.env->required_by == "the raise at settings.py:5 runs without it");
    CHECK(setting(model, "DEBUG").is_false());
    // Set, the variable is what the settings get; with a default that passes the test, the default applies.
    const auto set = run(source, env_of({{"SECRET_KEY", "k"}}));
    CHECK(is_string(setting(set, "SECRET_KEY"), "k"));
    const auto with_default = run(
        "import os\nSECRET_KEY = os.environ.get('SECRET_KEY', 'dev')\nif not SECRET_KEY:\n    raise ValueError()\n");
    CHECK(is_string(setting(with_default, "SECRET_KEY"), "dev"));
    REQUIRE(setting(with_default, "SECRET_KEY").env != nullptr);
    CHECK(setting(with_default, "SECRET_KEY").env->required_by.empty());
    const auto unknown = run("import sys\nX = 'a'\nif sys.argv:\n    X = 'b'\n    raise ValueError()\n");
    CHECK(is_string(setting(unknown, "X"), "a"));  // the raising path leaves no state behind
  }

  TEST_CASE("a raise inside a helper, caught by the settings, runs the handler") {
    const auto model =
        run("def read():\n    raise KeyError('no')\ntry:\n    KEY = read()\nexcept KeyError:\n    KEY = 'fallback'\n");
    CHECK(is_string(setting(model, "KEY"), "fallback"));
  }

  TEST_CASE("a helper that returns inside try, with a fallback in the handler, gives one of the two") {
    const auto model =
        run("def read_secret():\n    try:\n        return open('/run/secret').read()\n    except OSError:\n"
            "        return 'fallback'\n    finally:\n        pass\nSECRET_KEY = read_secret()\n");
    const Value& key = setting(model, "SECRET_KEY");
    CHECK_FALSE(key.is_known());
    REQUIRE(key.alternatives.size() == 2);
    CHECK(is_string(key.alternatives[1], "fallback"));
  }

  TEST_CASE("try around unmodelled code gives one of the body's and the handler's values") {
    const auto model =
        run("from django.core.management.utils import get_random_secret_key\n"
            "try:\n    SECRET_KEY = open('/etc/secret').read().strip()\nexcept OSError:\n"
            "    SECRET_KEY = get_random_secret_key()\n");
    const Value& key = setting(model, "SECRET_KEY");
    CHECK_FALSE(key.is_known());
    REQUIRE(key.alternatives.size() == 2);
    CHECK(key.alternatives[1].producer == "django.core.management.utils.get_random_secret_key");
  }

  TEST_CASE("a key drawn from random.SystemRandom() names its producer, through the join") {
    const auto model =
        run("import random\nchars = 'abcdefghijklmnopqrstuvwxyz0123456789'\n"
            "SECRET_KEY = ''.join(random.SystemRandom().choice(chars) for _ in range(50))\n");
    const Value& key = setting(model, "SECRET_KEY");
    CHECK_FALSE(key.is_known());
    CHECK(key.producer == "random.SystemRandom.choice");
  }

  TEST_CASE("class attributes, inherited and overridden, read through the class") {
    const auto model =
        run("class Base:\n    DEBUG = True\n    APPS = ['a']\nclass Prod(Base):\n    DEBUG = False\n"
            "DEBUG = Prod.DEBUG\nINSTALLED_APPS = Prod.APPS\n");
    CHECK(setting(model, "DEBUG").is_false());
    CHECK(setting(model, "INSTALLED_APPS").items.size() == 1);
    const auto unseen = run("from somewhere import Base\nclass Prod(Base):\n    pass\nDEBUG = Prod.DEBUG\n");
    CHECK_FALSE(setting(unseen, "DEBUG").is_known());
    CHECK(reason_has(setting(unseen, "DEBUG"), "inherits from"));
  }

  TEST_CASE("fixture: helpers imported from the project's env module, and loops over known and unknown lists") {
    const auto model = deployctl::checks::settings::evaluate_settings(fixture("helpers"), "mysite.settings", {});
    REQUIRE(model.has_value());
    CHECK(setting(*model, "DEBUG").is_true());
    REQUIRE(setting(*model, "DEBUG").env != nullptr);
    CHECK(setting(*model, "DEBUG").env->variable == "DEBUG");
    const Value& hosts = setting(*model, "ALLOWED_HOSTS");
    REQUIRE(hosts.kind == Kind::list);
    CHECK(hosts.items.size() == 2);
    const Value& key = setting(*model, "SECRET_KEY");
    CHECK_FALSE(key.is_known());
    CHECK(reason_has(key, "raises ImproperlyConfigured"));
    CHECK(reason_has(key, "required from the environment: SECRET_KEY is not set"));
    REQUIRE(key.env != nullptr);
    CHECK(key.env->required_by == "the raise at mysite/env.py:23 runs without it");
    const Value& middleware = setting(*model, "MIDDLEWARE");
    CHECK_FALSE(middleware.is_known());
    CHECK(middleware.alternatives.size() == 2);
    CHECK(reason_has(middleware, "for loop at mysite/settings.py:13"));
    CHECK(reason_has(setting(*model, "EXTRA_MIDDLEWARE"), "with block at mysite/env.py:29"));

    const auto production = deployctl::checks::settings::evaluate_settings(
        fixture("helpers"), "mysite.settings",
        env_of({{"DEBUG", "false"}, {"SECRET_KEY", "k"}, {"ALLOWED_HOSTS", "a.example"}}));
    REQUIRE(production.has_value());
    CHECK(setting(*production, "DEBUG").is_false());
    CHECK(setting(*production, "ALLOWED_HOSTS").items.size() == 1);
    const Value& set_key = setting(*production, "SECRET_KEY");
    CHECK(is_string(set_key, "k"));
    REQUIRE(set_key.env != nullptr);
    CHECK(set_key.env->variable == "SECRET_KEY");
  }
}
