// DBG001 (DEBUG on when its variable is unset) and DBG002 (DEBUG from a raw env string), idiom by idiom.
#include <doctest/doctest.h>

#include "rules_own_support.hpp"

namespace deployctl::checks::rules_own_test {

TEST_SUITE("rules-own debug") {
  TEST_CASE("rules-own DBG001: a truthy default fires in every env library, naming variable and default") {
    SUBCASE("django-environ env.bool") {
      const auto f =
          run_rule("DBG001", "import environ\nenv = environ.Env()\nDEBUG = env.bool('DJANGO_DEBUG', default=True)\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("DJANGO_DEBUG") != std::string::npos);
      CHECK(f[0].message.find("True") != std::string::npos);
      CHECK(f[0].setting == std::optional<std::string>("DEBUG"));
    }
    SUBCASE("decouple config cast=bool") {
      const auto f =
          run_rule("DBG001", "from decouple import config\nDEBUG = config('DEBUG', default=True, cast=bool)\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("'DEBUG'") != std::string::npos);
    }
    SUBCASE("os.environ.get compared to 'True'") {
      const auto f = run_rule("DBG001", "import os\nDEBUG = os.environ.get('DJANGO_DEBUG', 'True') == 'True'\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("'True'") != std::string::npos);
      CHECK(f[0].message.find("DJANGO_DEBUG") != std::string::npos);
    }
    SUBCASE("os.getenv with a '1' default and .lower() in a tuple") {
      const auto f = run_rule("DBG001", "import os\nDEBUG = os.getenv('DEBUG', '1').lower() in ('1', 'true')\n");
      CHECK(f.size() == 1);
    }
  }

  TEST_CASE("rules-own DBG001: an env helper written in the project is followed") {
    const auto f = run_rule("DBG001",
                            "import os\ndef envbool(name, default):\n"
                            "    return os.environ.get(name, default).lower() in ('1', 'true', 'yes')\n"
                            "DEBUG = envbool('DEBUG', 'True')\n");
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find("DEBUG") != std::string::npos);
    CHECK(run_rule("DBG001",
                   "import os\ndef envbool(name, default):\n"
                   "    return os.environ.get(name, default).lower() in ('1', 'true', 'yes')\n"
                   "DEBUG = envbool('DEBUG', 'False')\n")
              .empty());
  }

  TEST_CASE("rules-own DBG001: fires on the default when a .env file may set the variable") {
    // Without a known project, python-decouple may read a .env file: the value is unknown, the default is not.
    const auto f =
        run_rule("DBG001", "from decouple import config\nDEBUG = config('DEBUG', default=True, cast=bool)\n", {}, {});
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find("no .env file") != std::string::npos);
    CHECK(run_rule("DBG001", "from decouple import config\nDEBUG = config('DEBUG', default='on', cast=bool)\n", {}, {})
              .size() == 1);
    CHECK(
        run_rule("DBG001", "from decouple import config\nDEBUG = config('DEBUG', default='False', cast=bool)\n", {}, {})
            .empty());
    CHECK(run_rule("DBG001", "from decouple import config\nDEBUG = config('DEBUG', default=False, cast=bool)\n", {}, {})
              .empty());
  }

  TEST_CASE("rules-own DBG001: django-environ returns a string default uncast, so 'False' turns debug on") {
    const auto f =
        run_rule("DBG001", "import environ\nenv = environ.Env()\nDEBUG = env.bool('DEBUG', default='False')\n");
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find("without casting it") != std::string::npos);
  }

  TEST_CASE("rules-own DBG001: silent for a false default, a set variable, or a literal") {
    CHECK(run_rule("DBG001", "import environ\nenv = environ.Env()\nDEBUG = env.bool('DJANGO_DEBUG', default=False)\n")
              .empty());
    CHECK(
        run_rule("DBG001", "from decouple import config\nDEBUG = config('DEBUG', default=False, cast=bool)\n").empty());
    CHECK(run_rule("DBG001", "import os\nDEBUG = os.environ.get('DJANGO_DEBUG', '') == 'True'\n").empty());
    CHECK(run_rule("DBG001", "import environ\nenv = environ.Env()\nDEBUG = env.bool('DJANGO_DEBUG', default=True)\n",
                   environment({{"DJANGO_DEBUG", "False"}}))
              .empty());
    CHECK(run_rule("DBG001", "DEBUG = True\n").empty());  // Django's W018 mirror reports that one
    CHECK(run_rule("DBG001", "import os\nDEBUG = os.environ['DJANGO_DEBUG'] == 'True'\n").empty());
  }

  TEST_CASE("rules-own DBG002: raw env text and bool() of it fire") {
    SUBCASE("os.environ.get with a False default") {
      const auto f = run_rule("DBG002", "import os\nDEBUG = os.environ.get('DEBUG', False)\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("'False'") != std::string::npos);
      CHECK(f[0].message.find("os.environ.get('DEBUG')") != std::string::npos);
    }
    SUBCASE("bool(os.getenv(...))") {
      const auto f = run_rule("DBG002", "import os\nDEBUG = bool(os.getenv('DJANGO_DEBUG'))\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("bool('False') is True") != std::string::npos);
    }
    SUBCASE("os.environ[...] without a comparison") {
      CHECK(run_rule("DBG002", "import os\nDEBUG = os.environ['DJANGO_DEBUG']\n",
                     environment({{"DJANGO_DEBUG", "False"}}))
                .size() == 1);
    }
    SUBCASE("still fires when the analysed environment sets the variable to False") {
      CHECK(run_rule("DBG002", "import os\nDEBUG = os.environ.get('DEBUG', False)\n", environment({{"DEBUG", "False"}}))
                .size() == 1);
    }
    SUBCASE("decouple config without a cast") {
      CHECK(run_rule("DBG002", "from decouple import config\nDEBUG = config('DEBUG', default=False)\n").size() == 1);
    }
    SUBCASE("django-environ's plain env() without a scheme") {
      CHECK(run_rule("DBG002", "import environ\nenv = environ.Env()\nDEBUG = env('DEBUG', default=False)\n").size() ==
            1);
    }
    SUBCASE("a string method keeps it a string") {
      CHECK(run_rule("DBG002", "import os\nDEBUG = os.environ.get('DEBUG', '').strip()\n").size() == 1);
    }
  }

  TEST_CASE("rules-own DBG002: parsed values stay silent") {
    CHECK(run_rule("DBG002", "import os\nDEBUG = os.environ.get('DEBUG', 'False') == 'True'\n").empty());
    CHECK(run_rule("DBG002", "import os\nDEBUG = os.environ.get('DEBUG', '').lower() in ('1', 'true')\n").empty());
    CHECK(run_rule("DBG002", "import os\nDEBUG = int(os.environ.get('DEBUG', '0'))\n").empty());
    CHECK(run_rule("DBG002", "import os\nDEBUG = bool(int(os.environ.get('DEBUG', '0')))\n").empty());
    CHECK(
        run_rule("DBG002", "import environ\nenv = environ.Env()\nDEBUG = env.bool('DEBUG', default=False)\n").empty());
    CHECK(
        run_rule("DBG002", "from decouple import config\nDEBUG = config('DEBUG', default=False, cast=bool)\n").empty());
    CHECK(run_rule("DBG002", "DEBUG = False\n").empty());
    CHECK(run_rule("DBG002", "import environ\nenv = environ.Env(DEBUG=(bool, False))\nDEBUG = env('DEBUG')\n").empty());
  }
}

}  // namespace deployctl::checks::rules_own_test
