// Branches, try/except and loops: taken when the condition is known, merged (with alternatives) when not.
#include "evaluator_support.hpp"

using namespace evaluator_test;

TEST_SUITE("evaluator-control-flow") {
  TEST_CASE("an if with a known condition takes its branch") {
    const auto model =
        run("DEBUG = False\nif DEBUG:\n    X = 'dev'\nelif 1 > 2:\n    X = 'never'\nelse:\n    X = 'prod'\n");
    CHECK(is_string(setting(model, "X"), "prod"));
  }

  TEST_CASE("an if with an unknown condition merges: equal values stay, others list alternatives") {
    const auto model = run(
        "import sys\nif 'test' in sys.argv:\n    A = 1\n    B = 'x'\n    C = True\nelse:\n    A = 1\n    B = 'y'\n");
    CHECK(setting(model, "A").integer == 1);
    const Value& b = setting(model, "B");
    CHECK_FALSE(b.is_known());
    REQUIRE(b.alternatives.size() == 2);
    CHECK(is_string(b.alternatives[0], "x"));
    CHECK(is_string(b.alternatives[1], "y"));
    const Value& c = setting(model, "C");
    CHECK_FALSE(c.is_known());
    CHECK(c.unknown_reason.find("unset on some paths") != std::string::npos);
    REQUIRE(c.alternatives.size() == 2);  // True, and the path that leaves it unset, as an unknown
    CHECK(c.alternatives[0].is_true());
    CHECK_FALSE(c.alternatives[1].is_known());
  }

  TEST_CASE("a branch chosen by an env-derived condition passes the env provenance on") {
    const auto model = run("import os\nif os.environ.get('PRODUCTION'):\n    DEBUG = False\nelse:\n    DEBUG = True\n");
    const Value& debug = setting(model, "DEBUG");
    CHECK(debug.is_true());
    REQUIRE(debug.env != nullptr);
    CHECK(debug.env->variable == "PRODUCTION");
    CHECK_FALSE(debug.env->is_set);
    const auto production =
        run("import os\nif os.environ.get('PRODUCTION'):\n    DEBUG = False\nelse:\n    DEBUG = True\n",
            env_of({{"PRODUCTION", "1"}}));
    CHECK(setting(production, "DEBUG").is_false());
  }

  TEST_CASE("an if on whether a secret variable is set runs both branches: the check is never given secrets") {
    const char* source =
        "import os\nSECRET_KEY = 'k' * 50\nif 'DJANGO_SECRET_KEY' in os.environ:\n"
        "    SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n    SECURE_SSL_REDIRECT = True\n";
    const auto model = run(source);
    const Value& key = setting(model, "SECRET_KEY");
    CHECK_FALSE(key.is_known());
    CHECK(key.unknown_reason.find("depends on the condition at settings.py:3") != std::string::npos);
    CHECK_FALSE(setting(model, "SECURE_SSL_REDIRECT").is_known());
    // Given the secret, the branch is taken as written; a variable that is no secret decides as before.
    CHECK(setting(run(source, env_of({{"DJANGO_SECRET_KEY", "x"}})), "SECURE_SSL_REDIRECT").is_true());
    CHECK(run("import os\nif os.environ.get('ON_HEROKU'):\n    SECURE_SSL_REDIRECT = True\n")
              .get("SECURE_SSL_REDIRECT") == nullptr);
    // A branch that raises without it: the settings require the secret, the other branch is the one that runs.
    const auto required =
        run("import os\nif not os.environ.get('DJANGO_SECRET_KEY'):\n    raise Exception('set it')\n"
            "SECURE_SSL_REDIRECT = True\n");
    CHECK(setting(required, "SECURE_SSL_REDIRECT").is_true());
  }

  TEST_CASE("conditional expressions and boolean operators return operands like Python") {
    const auto model = run("A = 'x' if True else 'y'\nB = '' or 'fallback'\nC = 0 and 1\nD = None or 0 or []\n");
    CHECK(is_string(setting(model, "A"), "x"));
    CHECK(is_string(setting(model, "B"), "fallback"));
    CHECK(setting(model, "C").integer == 0);
    CHECK(setting(model, "D").kind == Kind::list);
  }

  TEST_CASE("an unknown operand of `or` gives unknown with both possible results") {
    const auto model = run("import sys\nX = sys.argv or 'fallback'\n");
    const Value& x = setting(model, "X");
    CHECK_FALSE(x.is_known());
    CHECK(x.alternatives.size() == 2);
  }

  TEST_CASE("try: a body that completes skips the handlers") {
    const auto model = run("try:\n    X = 1\nexcept ImportError:\n    X = 2\nelse:\n    Y = 3\nfinally:\n    Z = 4\n");
    CHECK(setting(model, "X").integer == 1);
    CHECK(setting(model, "Y").integer == 3);
    CHECK(setting(model, "Z").integer == 4);
  }

  TEST_CASE("try: a KeyError the body certainly raises runs the matching handler") {
    const auto model =
        run("import os\ntry:\n    SECRET_KEY = os.environ['SECRET_KEY']\n    AFTER = 1\nexcept KeyError:\n"
            "    SECRET_KEY = 'dev-key'\n");
    CHECK(is_string(setting(model, "SECRET_KEY"), "dev-key"));
    CHECK(model.get("AFTER") == nullptr);
    const auto set = run(
        "import os\ntry:\n    SECRET_KEY = os.environ['SECRET_KEY']\nexcept KeyError:\n    SECRET_KEY = 'dev-key'\n",
        env_of({{"SECRET_KEY", "from-env"}}));
    CHECK(is_string(setting(set, "SECRET_KEY"), "from-env"));
  }

  TEST_CASE("try: an exception the handlers do not catch leaves the value unknown") {
    const auto model = run("import os\ntry:\n    X = os.environ['X']\nexcept ValueError:\n    X = 'v'\n");
    CHECK_FALSE(setting(model, "X").is_known());
    CHECK(setting(model, "X").unknown_reason.find("KeyError") != std::string::npos);
  }

  TEST_CASE("try: a third-party import that may be missing merges body and handler") {
    const auto model =
        run("try:\n    import debug_toolbar\n    HAS_TOOLBAR = True\nexcept ImportError:\n    HAS_TOOLBAR = False\n"
            "try:\n    import sentry_sdk\nexcept ImportError:\n    pass\nSAME = 1\n");
    const Value& toolbar = setting(model, "HAS_TOOLBAR");
    CHECK_FALSE(toolbar.is_known());
    CHECK(toolbar.alternatives.size() == 2);
    CHECK(setting(model, "SAME").integer == 1);
  }

  TEST_CASE("for loops over unknown iterables, while and with bodies are not run: what they bind becomes unknown") {
    const auto model =
        run("import sys\nAPPS = ['a']\nEXTRA = ['b']\nfor app in sys.argv:\n    LAST = app\n"
            "N = 0\nwhile N < 3:\n    N += 1\nwith open('key.txt') as f:\n    KEY = f.read()\nKEPT = 'k'\n");
    CHECK_FALSE(setting(model, "LAST").is_known());
    CHECK(setting(model, "LAST").unknown_reason.find("for loop") != std::string::npos);
    CHECK_FALSE(setting(model, "N").is_known());
    CHECK_FALSE(setting(model, "KEY").is_known());
    CHECK_FALSE(setting(model, "f").is_known());
    CHECK(setting(model, "EXTRA").items.size() == 1);
    CHECK(is_string(setting(model, "KEPT"), "k"));
  }

  TEST_CASE("comprehensions over known iterables are evaluated, with filters") {
    const auto model =
        run("HOSTS = [h.strip() for h in ' a , b ,, c'.split(',') if h.strip()]\n"
            "SQUARES = {n: n * n for n in range(3)}\nUNIQUE = {x for x in 'aab'}\nJOINED = ','.join(x for x in ['p', "
            "'q'])\n");
    const Value& hosts = setting(model, "HOSTS");
    REQUIRE(hosts.items.size() == 3);
    CHECK(is_string(hosts.items[2], "c"));
    CHECK(setting(model, "SQUARES").entries.size() == 3);
    CHECK(setting(model, "UNIQUE").items.size() == 2);
    CHECK(is_string(setting(model, "JOINED"), "p,q"));
    CHECK(model.get("h") == nullptr);  // comprehension variables do not leak
  }

  TEST_CASE("a comprehension over an unknown iterable is unknown") {
    const auto model = run("import os\nHOSTS = [h for h in os.environ['HOSTS'].split(',')]\n");
    CHECK_FALSE(setting(model, "HOSTS").is_known());
  }
}
