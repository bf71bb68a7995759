// Operators, builtins, string methods and formatting on known values, and staying unknown otherwise.
#include "evaluator_support.hpp"

using namespace evaluator_test;

TEST_SUITE("evaluator-expressions") {
  TEST_CASE("string methods") {
    const auto model =
        run("A = ' Hi '.strip().lower()\nB = 'a,b,,c'.split(',')\nC = 'a b  c'.split()\nD = 'x.y.z'.rsplit('.', 1)\n"
            "E = 'abc'.startswith(('x', 'a'))\nF = 'abc'.endswith('bc')\nG = 'a-b'.replace('-', '_')\nH = "
            "'-'.join(['p', 'q'])\n"
            "I = 'xxaxx'.strip('x')\nJ = 'UP'.upper()\nK = 'k=v'.partition('=')\n");
    CHECK(is_string(setting(model, "A"), "hi"));
    CHECK(setting(model, "B").items.size() == 4);
    CHECK(setting(model, "C").items.size() == 3);
    REQUIRE(setting(model, "D").items.size() == 2);
    CHECK(is_string(setting(model, "D").items[0], "x.y"));
    CHECK(setting(model, "E").is_true());
    CHECK(setting(model, "F").is_true());
    CHECK(is_string(setting(model, "G"), "a_b"));
    CHECK(is_string(setting(model, "H"), "p-q"));
    CHECK(is_string(setting(model, "I"), "a"));
    CHECK(is_string(setting(model, "J"), "UP"));
    CHECK(is_string(setting(model, "K").items[2], "v"));
  }

  TEST_CASE("string methods on unknown values are unknown, keeping provenance") {
    const auto model = run("import os\nA = os.environ['X'].lower().split(',')\n");
    CHECK_FALSE(setting(model, "A").is_known());
    REQUIRE(setting(model, "A").env != nullptr);
    CHECK(setting(model, "A").env->variable == "X");
  }

  TEST_CASE("comparisons, membership, identity and not") {
    const auto model =
        run("A = 1 < 2 <= 2\nB = 'a' in ['a', 'b']\nC = 'z' not in 'abc'\nD = None is None\nE = 1 is not None\n"
            "F = not []\nG = (1, 2) == (1, 2)\nH = 'b' > 'a'\nI = 1 == 1.0\nJ = True == 1\n");
    for (const char* name : {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J"})
      CHECK_MESSAGE(setting(model, name).is_true(), name);
  }

  TEST_CASE("comparisons with an unknown operand are unknown") {
    const auto model =
        run("import os\nA = os.environ['X'] == 'y'\nB = 'y' in os.environ['X']\nC = os.environ['X'] is None\n");
    for (const char* name : {"A", "B", "C"}) CHECK_FALSE(setting(model, name).is_known());
  }

  TEST_CASE("arithmetic follows Python: floor division, modulo, true division, int overflow unknown") {
    const auto model =
        run("A = -7 // 2\nB = -7 % 3\nC = 7 / 2\nD = 2 ** 10\nE = 2 ** 100\nF = 10 ** -1\nG = True + True\n");
    CHECK(setting(model, "A").integer == -4);
    CHECK(setting(model, "B").integer == 2);
    CHECK(setting(model, "C").floating == doctest::Approx(3.5));
    CHECK(setting(model, "D").integer == 1024);
    CHECK_FALSE(setting(model, "E").is_known());
    CHECK(setting(model, "F").floating == doctest::Approx(0.1));
    CHECK(setting(model, "G").integer == 2);
  }

  TEST_CASE("a TypeError is unknown, not a crash") {
    const auto model = run("A = 'a' + 1\nB = 1 / 0\nC = None.lower()\n");
    CHECK_FALSE(setting(model, "A").is_known());
    CHECK_FALSE(setting(model, "B").is_known());
    CHECK_FALSE(setting(model, "C").is_known());
  }

  TEST_CASE("builtins: conversions, len, sorted, min/max, any/all, isinstance") {
    const auto model =
        run("A = int(' 42 ')\nB = float('1e3')\nC = str(5)\nD = bool('')\nE = list('ab')\nF = tuple([1])\n"
            "G = len('héllo')\nH = sorted(['b', 'a'])\nI = max(1, 5, 3)\nJ = any([0, 1])\nK = all([])\n"
            "L = isinstance('x', str)\nM = dict(a=1)\nN = list(range(3))\nO = set([1, 1, 2])\n");
    CHECK(setting(model, "A").integer == 42);
    CHECK(setting(model, "B").floating == doctest::Approx(1000.0));
    CHECK(is_string(setting(model, "C"), "5"));
    CHECK(setting(model, "D").is_false());
    CHECK(setting(model, "E").items.size() == 2);
    CHECK(setting(model, "F").kind == Kind::tuple);
    CHECK(setting(model, "G").integer == 5);
    CHECK(is_string(setting(model, "H").items[0], "a"));
    CHECK(setting(model, "I").integer == 5);
    CHECK(setting(model, "J").is_true());
    CHECK(setting(model, "K").is_true());
    CHECK(setting(model, "L").is_true());
    CHECK(setting(model, "M").get("a")->integer == 1);
    CHECK(setting(model, "N").items.size() == 3);
    CHECK(setting(model, "O").items.size() == 2);
  }

  TEST_CASE("int() of text that is no integer raises ValueError: unknown") {
    const auto model = run("import os\nPORT = int(os.environ.get('PORT', 'eighty'))\n");
    CHECK_FALSE(setting(model, "PORT").is_known());
    CHECK(setting(model, "PORT").unknown_reason.find("ValueError") != std::string::npos);
  }

  TEST_CASE("f-strings, % formatting and str.format") {
    const auto model = run(
        "HOST = 'db'\nPORT = 5432\nA = f'{HOST}:{PORT}'\nB = '%s:%d' % (HOST, PORT)\nC = '{}:{}'.format(HOST, PORT)\n"
        "D = '{h}'.format(h=HOST)\nE = f'{HOST!r}'\nF = '%(h)s' % {'h': HOST}\nG = f'plain'\n");
    CHECK(is_string(setting(model, "A"), "db:5432"));
    CHECK(is_string(setting(model, "B"), "db:5432"));
    CHECK(is_string(setting(model, "C"), "db:5432"));
    CHECK(is_string(setting(model, "D"), "db"));
    CHECK(is_string(setting(model, "E"), "'db'"));
    CHECK(is_string(setting(model, "F"), "db"));
    CHECK(setting(model, "G").literal);
    CHECK_FALSE(setting(model, "A").literal);
  }

  TEST_CASE("an f-string with an env part carries the read, with an unknown part it is unknown") {
    const auto model =
        run("import os\nURL = f\"https://{os.environ.get('HOST', 'localhost')}/\"\nBAD = f'{os.environ[\"X\"]}'\n");
    CHECK(is_string(setting(model, "URL"), "https://localhost/"));
    REQUIRE(setting(model, "URL").env != nullptr);
    CHECK(setting(model, "URL").steps.back() == "f-string");
    CHECK_FALSE(setting(model, "BAD").is_known());
  }

  TEST_CASE("list, tuple and string concatenation and repetition, subscripts and slices") {
    const auto model =
        run("A = [1] + [2]\nB = (1,) + (2,)\nC = 'ab' * 2\nD = [0] * 3\nE = 'hello'[1:3]\nF = [1, 2, 3][-1]\n"
            "G = {'k': 'v'}['k']\nH = 'abc'[::-1]\n");
    CHECK(setting(model, "A").items.size() == 2);
    CHECK(setting(model, "B").kind == Kind::tuple);
    CHECK(is_string(setting(model, "C"), "abab"));
    CHECK(setting(model, "D").items.size() == 3);
    CHECK(is_string(setting(model, "E"), "el"));
    CHECK(setting(model, "F").integer == 3);
    CHECK(is_string(setting(model, "G"), "v"));
    CHECK(is_string(setting(model, "H"), "cba"));
  }

  TEST_CASE("a missing dict key raises KeyError: unknown") {
    const auto model = run("D = {}\nX = D['missing']\n");
    CHECK_FALSE(setting(model, "X").is_known());
    CHECK(setting(model, "X").unknown_reason.find("KeyError") != std::string::npos);
  }

  TEST_CASE("describe renders values and hides strings on request") {
    const auto model = run("A = ['*', 1, None, True, 2.5]\nS = 'secret'\nT = (1,)\n");
    CHECK(setting(model, "A").describe() == "['*', 1, None, True, 2.5]");
    CHECK(setting(model, "S").describe(false) == "a 6-character string");
    CHECK(setting(model, "T").describe() == "(1,)");
  }
}

TEST_SUITE("evaluator-paths") {
  TEST_CASE("Path(__file__).resolve().parent.parent and / joins") {
    const auto model = run_in(fixture("plain"),
                              "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\n"
                              "STATIC_ROOT = BASE_DIR / 'static'\nMEDIA = str(BASE_DIR / 'media' / '..' / 'm')\n"
                              "NAME = Path(__file__).name\nSTEM = Path(__file__).stem\n",
                              {}, "mysite/settings.py");
    const std::string project = std::filesystem::weakly_canonical(fixture("plain")).string();
    CHECK(setting(model, "BASE_DIR").kind == Kind::path);
    CHECK(setting(model, "BASE_DIR").text == project);
    CHECK(setting(model, "STATIC_ROOT").text == project + "/static");
    CHECK(is_string(setting(model, "MEDIA"), project + "/media/../m"));  // pathlib keeps '..'
    CHECK(is_string(setting(model, "NAME"), "settings.py"));
    CHECK(is_string(setting(model, "STEM"), "settings"));
  }

  TEST_CASE("os.path functions") {
    const auto model = run_in(fixture("plain"),
                              "import os\nBASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n"
                              "STATIC_ROOT = os.path.join(BASE_DIR, 'static')\nABS = os.path.join('a', '/b', 'c')\n"
                              "NORM = os.path.normpath('/x/y/../z/')\nBASE = os.path.basename('/x/y.py')\n",
                              {}, "mysite/settings.py");
    const std::string project = std::filesystem::weakly_canonical(fixture("plain")).string();
    CHECK(is_string(setting(model, "BASE_DIR"), project));
    CHECK(is_string(setting(model, "STATIC_ROOT"), project + "/static"));
    CHECK(is_string(setting(model, "ABS"), "/b/c"));
    CHECK(is_string(setting(model, "NORM"), "/x/z"));
    CHECK(is_string(setting(model, "BASE"), "y.py"));
  }

  TEST_CASE("a relative path made absolute depends on the working directory: unknown") {
    const auto model =
        run("import os\nfrom pathlib import Path\nA = os.path.abspath('static')\nB = Path('static').resolve()\n");
    CHECK_FALSE(setting(model, "A").is_known());
    CHECK_FALSE(setting(model, "B").is_known());
  }
}

TEST_SUITE("evaluator-expressions-unknown") {
  TEST_CASE("unknown operands keep not, and, len, conditional expressions, % and .format() unknown") {
    const auto model =
        run("import os\nV = os.environ['V']\nA = not V\nB = V and 'x'\nC = len(V)\nD = 'a' if V else 'b'\n"
            "E = '%s!' % V\nF = '{}!'.format(V)\nG = V.startswith('x')\nH = str(V)\nI = [V][0]\n");
    for (const char* name : {"A", "B", "C", "D", "E", "F", "G", "H", "I"}) {
      CHECK_MESSAGE(!setting(model, name).is_known(), name);
      REQUIRE_MESSAGE(setting(model, name).env != nullptr, name);
      CHECK_MESSAGE(setting(model, name).env->variable == "V", name);
    }
    const Value& d = setting(model, "D");
    REQUIRE(d.alternatives.size() == 2);
    CHECK(is_string(d.alternatives[0], "a"));
  }

  TEST_CASE("globals() writes bind names, vars(obj) is not modelled") {
    const auto model =
        run("globals()['X'] = 1\nglobals().update({'Y': 2}, Z=3)\nW = globals()['X']\nV = vars(object)\n");
    CHECK(setting(model, "X").integer == 1);
    CHECK(setting(model, "Y").integer == 2);
    CHECK(setting(model, "Z").integer == 3);
    CHECK(setting(model, "W").integer == 1);
    CHECK_FALSE(setting(model, "V").is_known());
  }

  TEST_CASE("list mutations with unknown arguments make the list unknown, dict.update with unknown mapping too") {
    const auto model =
        run("import os\nL = ['a']\nL.extend(os.environ['MORE'].split(','))\nD = {'a': 1}\nD.update(os.environ['X'])\n"
            "K = ['a']\nK.remove(os.environ['Y'])\n");
    CHECK_FALSE(setting(model, "L").is_known());
    CHECK_FALSE(setting(model, "D").is_known());
    CHECK_FALSE(setting(model, "K").is_known());
  }

  TEST_CASE("a merged list changed in place is changed on each path: 'these items, plus maybe these'") {
    const auto model = run("import sys\nif sys.argv:\n    A = ['x']\nelse:\n    A = ['y']\nA.append('z')\n");
    const Value& a = setting(model, "A");
    CHECK_FALSE(a.is_known());
    REQUIRE(a.alternatives.size() == 2);
    CHECK(a.alternatives[0].contains_string("z") == true);
    CHECK(a.alternatives[1].contains_string("z") == true);
    CHECK(a.contains_string("x") == std::nullopt);
    // Two conditional edits in a row (paperless' MIDDLEWARE): four paths, each with the certain items.
    const auto twice =
        run("import sys\nM = ['s']\nif sys.argv:\n    M.insert(0, 'c')\nif sys.flags:\n"
            "    M.append('a')\nM.append('e')\n");
    const Value& m = setting(twice, "M");
    REQUIRE(m.alternatives.size() == 4);
    for (const Value& path : m.alternatives) {
      CHECK(path.contains_string("s") == true);
      CHECK(path.contains_string("e") == true);
    }
  }

  TEST_CASE("a position found in a merged list, and arithmetic on it, are followed on each path (paperless)") {
    // `_index = MIDDLEWARE.index(...)` then `MIDDLEWARE.insert(_index + 1, ...)` under conditions nobody can decide.
    const auto model =
        run("import sys\nM = ['s', 'auth']\nif sys.argv:\n    M.insert(0, 'c')\nif sys.flags:\n"
            "    I = M.index('auth')\n    M.insert(I + 1, 'auto')\nif sys.path:\n    M.append('audit')\n"
            "if sys.modules:\n    M.append('remote')\n");
    const Value& m = setting(model, "M");
    CHECK_FALSE(m.is_known());
    // Four independent edits: every combination kept, none lost to the limit. The index is not tied to the path of
    // the list it came from, so one combination is impossible ('auto' before 'auth'): a superset, never a loss.
    CHECK(m.alternatives.size() == 20);
    for (const Value& path : m.alternatives) {
      CHECK(path.contains_string("s") == true);
      CHECK(path.contains_string("auth") == true);
    }
    const Value& index = setting(model, "I");
    CHECK_FALSE(index.is_known());
    CHECK(index.alternatives.size() == 3);  // 1 or 2 on the paths that ran it, unbound on the others
    // A value read from the environment is not followed path by path: it keeps its provenance instead.
    const auto env = run("import os, sys\nV = os.environ.get('V', 'a')\nif sys.argv:\n    V = 'b'\nN = V.upper()\n");
    CHECK_FALSE(setting(env, "N").is_known());
  }

  TEST_CASE("a merged list changed in a way one path cannot follow drops its stale alternatives") {
    const auto model = run("import sys\nif sys.argv:\n    A = ['x']\nelse:\n    A = ['y']\nA.remove('x')\n");
    CHECK_FALSE(setting(model, "A").is_known());
    CHECK(setting(model, "A").alternatives.empty());
    const auto unset = run("import sys\nif sys.argv:\n    A = ['x']\nA.append('z')\n");
    CHECK(setting(unset, "A").alternatives.empty());  // the path that leaves A unset cannot be followed
  }
}

TEST_SUITE("evaluator-library-more") {
  TEST_CASE("env.url, env.path and env.tuple") {
    const auto model = run_in(fixture("plain"),
                              "import environ\nenv = environ.Env()\nU = env.url('U')\nHOST = U.hostname\nP = "
                              "str(env.path('P'))\nT = env.tuple('T', default=('a',))\n",
                              env_of({{"U", "https://Example.com:8443/x"}, {"P", "/srv/app"}}));
    CHECK(is_string(setting(model, "HOST"), "example.com"));
    CHECK(is_string(setting(model, "P"), "/srv/app"));
    CHECK(setting(model, "T").kind == Kind::tuple);
    const auto unset = run_in(fixture("plain"), "import environ\nenv = environ.Env()\nP = env.path('P')\n");
    CHECK_FALSE(setting(unset, "P").is_known());
  }

  TEST_CASE("AutoConfig with a search path") {
    const auto model =
        run_in(fixture("plain"), "from decouple import AutoConfig\nconfig = AutoConfig(search_path='" +
                                     std::filesystem::weakly_canonical(fixture("dotenv")).string() +
                                     "')\nX = config('X', default='d')\nY = config('Y', default=1, cast=int)\n");
    CHECK_FALSE(setting(model, "X").is_known());  // the .env there may define it
    const auto plain =
        run_in(fixture("plain"),
               "from decouple import AutoConfig\nconfig = AutoConfig()\nY = config('Y', default='1', cast=int)\n");
    CHECK(setting(plain, "Y").integer == 1);
  }
}
