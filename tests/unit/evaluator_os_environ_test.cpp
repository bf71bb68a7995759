// os.environ / os.getenv reads: Python's default semantics, provenance on every derived value, env_reads.
#include "evaluator_support.hpp"

using namespace evaluator_test;

TEST_SUITE("evaluator-os-environ") {
  TEST_CASE("os.environ.get with the variable unset is the default object itself") {
    const auto model = run("import os\nDEBUG = os.environ.get('DEBUG', False)\n");
    const Value& debug = setting(model, "DEBUG");
    CHECK(debug.is_false());
    CHECK(debug.literal);  // the default as written
    REQUIRE(debug.env != nullptr);
    CHECK(debug.env->variable == "DEBUG");
    CHECK(debug.env->reader == "os.environ.get");
    CHECK_FALSE(debug.env->is_set);
    REQUIRE(debug.env->default_value != nullptr);
    CHECK(debug.env->default_value->is_false());
    CHECK(debug.steps.empty());
  }

  TEST_CASE("os.environ.get with the variable set is the raw string") {
    const auto model = run("import os\nDEBUG = os.environ.get('DEBUG', False)\n", env_of({{"DEBUG", "False"}}));
    const Value& debug = setting(model, "DEBUG");
    CHECK(is_string(debug, "False"));
    CHECK_FALSE(debug.literal);
    REQUIRE(debug.env != nullptr);
    CHECK(debug.env->is_set);
    CHECK(debug.truthy() == true);  // the string 'False' is true
  }

  TEST_CASE("os.getenv without a default is None when unset") {
    const auto model = run("from os import getenv\nX = getenv('X')\n");
    CHECK(setting(model, "X").kind == Kind::none);
    REQUIRE(setting(model, "X").env != nullptr);
    CHECK(setting(model, "X").env->reader == "os.getenv");
  }

  TEST_CASE("bool(os.getenv('DEBUG')) is True for the text 'False'") {
    const auto set = run("import os\nDEBUG = bool(os.getenv('DEBUG'))\n", env_of({{"DEBUG", "False"}}));
    CHECK(setting(set, "DEBUG").is_true());
    REQUIRE(setting(set, "DEBUG").steps.size() == 1);
    CHECK(setting(set, "DEBUG").steps[0] == "bool()");
    const auto unset = run("import os\nDEBUG = bool(os.getenv('DEBUG'))\n");
    CHECK(setting(unset, "DEBUG").is_false());
  }

  TEST_CASE("steps record what was done to the value after the read") {
    const auto model = run("import os\nDEBUG = os.environ.get('DJANGO_DEBUG', 'False').lower() == 'true'\n",
                           env_of({{"DJANGO_DEBUG", "TRUE"}}));
    const Value& debug = setting(model, "DEBUG");
    CHECK(debug.is_true());
    REQUIRE(debug.steps.size() == 2);
    CHECK(debug.steps[0] == ".lower()");
    CHECK(debug.steps[1] == "== 'true'");
    const auto unset = run("import os\nDEBUG = os.environ.get('DJANGO_DEBUG', 'False').lower() == 'true'\n");
    CHECK(setting(unset, "DEBUG").is_false());
    CHECK_FALSE(setting(unset, "DEBUG").env->is_set);
  }

  TEST_CASE("os.environ['X'] unset is unknown because it raises KeyError") {
    const auto model = run("import os\nSECRET_KEY = os.environ['SECRET_KEY']\n");
    const Value& key = setting(model, "SECRET_KEY");
    CHECK_FALSE(key.is_known());
    CHECK(key.unknown_reason.find("KeyError") != std::string::npos);
    REQUIRE(key.env != nullptr);
    CHECK(key.env->reader == "os.environ[]");
    CHECK(key.unknown_reason.find("required from the environment") != std::string::npos);
    CHECK(key.env->required_by == "os.environ['SECRET_KEY'] at settings.py:2 raises KeyError without it");
    const auto set = run("import os\nSECRET_KEY = os.environ['SECRET_KEY']\n", env_of({{"SECRET_KEY", "s3cret"}}));
    CHECK(is_string(setting(set, "SECRET_KEY"), "s3cret"));
  }

  TEST_CASE("os.environ.setdefault writes the default for later reads") {
    const auto model = run("import os\nA = os.environ.setdefault('MODE', 'prod')\nB = os.environ['MODE']\n");
    CHECK(is_string(setting(model, "A"), "prod"));
    CHECK(is_string(setting(model, "B"), "prod"));
    const auto set = run("import os\nA = os.environ.setdefault('MODE', 'prod')\n", env_of({{"MODE", "dev"}}));
    CHECK(is_string(setting(set, "A"), "dev"));
  }

  TEST_CASE("membership tests read the environment too") {
    const auto model = run("import os\nON_HEROKU = 'DYNO' in os.environ\nOFF = 'DYNO' not in os.environ\n",
                           env_of({{"DYNO", "web.1"}}));
    CHECK(setting(model, "ON_HEROKU").is_true());
    CHECK(setting(model, "OFF").is_false());
  }

  TEST_CASE("every read is recorded in evaluation order") {
    const auto model =
        run("import os\nA = os.getenv('FIRST')\nB = os.environ.get('SECOND', 'x')\nC = 'THIRD' in os.environ\n");
    REQUIRE(model.env_reads.size() == 3);
    CHECK(model.env_reads[0].variable == "FIRST");
    CHECK(model.env_reads[1].variable == "SECOND");
    CHECK(model.env_reads[2].variable == "THIRD");
    CHECK(model.env_reads[1].where.position.line == 3);
  }

  TEST_CASE("a split env list keeps its provenance on every item") {
    const auto model = run("import os\nALLOWED_HOSTS = os.environ.get('HOSTS', 'a,b').split(',')\n");
    const Value& hosts = setting(model, "ALLOWED_HOSTS");
    REQUIRE(hosts.items.size() == 2);
    REQUIRE(hosts.items[1].env != nullptr);
    CHECK(hosts.items[1].env->variable == "HOSTS");
    CHECK(hosts.steps.back() == ".split(',')");
  }

  TEST_CASE("load_dotenv makes unset variables unknown, never guessed") {
    const auto model =
        run("import os\nfrom dotenv import load_dotenv\nload_dotenv()\nDEBUG = os.getenv('DEBUG', 'x')\n");
    CHECK_FALSE(setting(model, "DEBUG").is_known());
    CHECK(setting(model, "DEBUG").unknown_reason.find("load_dotenv") != std::string::npos);
    const auto set = run("import os\nfrom dotenv import load_dotenv\nload_dotenv()\nDEBUG = os.getenv('DEBUG', 'x')\n",
                         env_of({{"DEBUG", "0"}}));
    CHECK(is_string(setting(set, "DEBUG"), "0"));
  }

  TEST_CASE("load_dotenv reads the .env find_dotenv finds: with none in the project, variables stay unset") {
    const std::string source =
        "import os\nfrom dotenv import load_dotenv, find_dotenv\nload_dotenv(find_dotenv())\n"
        "DEBUG = os.getenv('DEBUG', 'x')\n";
    // plain has no .env: nothing is loaded, the default applies (the babybuddy idiom).
    CHECK(is_string(setting(run_in(fixture("plain"), source), "DEBUG"), "x"));
    CHECK(is_string(setting(run_in(fixture("plain"),
                                   "import os\nimport dotenv\ndotenv.load_dotenv()\n"
                                   "DEBUG = os.getenv('DEBUG', 'x')\n"),
                            "DEBUG"),
                    "x"));
    // A .env beside the settings, or in a parent up to the project dir, may set any variable.
    const auto beside = run_in(fixture("dotenv"), source);
    CHECK_FALSE(setting(beside, "DEBUG").is_known());
    CHECK(setting(beside, "DEBUG").unknown_reason.find("reading .env") != std::string::npos);
    const auto parent = run_in(fixture("dotenv"), source, {}, "config/settings.py");
    CHECK_FALSE(setting(parent, "DEBUG").is_known());
    // A path the analysis cannot locate, or a stream, may hold anything.
    CHECK_FALSE(setting(run_in(fixture("plain"),
                               "import os\nfrom dotenv import load_dotenv\nload_dotenv('app.env')\n"
                               "DEBUG = os.getenv('DEBUG', 'x')\n"),
                        "DEBUG")
                    .is_known());
  }

  TEST_CASE("get_random_secret_key() is an unknown string naming its producer") {
    const auto model =
        run("import os\nfrom django.core.management.utils import get_random_secret_key\n"
            "SECRET_KEY = os.environ.get('SECRET_KEY', get_random_secret_key())\n");
    const Value& key = setting(model, "SECRET_KEY");
    CHECK_FALSE(key.is_known());
    CHECK(key.producer == "django.core.management.utils.get_random_secret_key");
    REQUIRE(key.env != nullptr);
    CHECK_FALSE(key.env->is_set);
  }
}
