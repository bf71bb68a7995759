// SK001-SK004: SECRET_KEY written literally, with a hard-coded fallback, generated at import, or with a weak
// fallback; each fallback idiom of os.environ, django-environ and python-decouple.
#include <doctest/doctest.h>

#include <string>

#include "checks/rules/own_helpers.hpp"
#include "rules_own_support.hpp"

namespace deployctl::checks::rules_own_test {

namespace {
const std::string strong_key = "q8!Zr2#vT6$wY0%uI4^oP7&aS1*dF5(gH9)jK3_lL8+xC2=bN6-mM0";  // 54 characters
}  // namespace

TEST_SUITE("rules-own secret key") {
  TEST_CASE("rules-own SK001: a literal SECRET_KEY fires with its length, not its text") {
    const auto f = run_rule("SK001", "SECRET_KEY = '" + strong_key + "'\n");
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find("a 54-character literal") != std::string::npos);
    CHECK(f[0].message.find(strong_key) == std::string::npos);
    CHECK(f[0].where.line == 1);
  }

  TEST_CASE("rules-own SK001: SECRET_KEY_FALLBACKS literals fire per entry") {
    const auto f =
        run_rule("SK001", "import os\nSECRET_KEY = os.environ['K']\nSECRET_KEY_FALLBACKS = [os.environ['OLD'], '" +
                              strong_key + "']\n");
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find("SECRET_KEY_FALLBACKS[1]") != std::string::npos);
    CHECK(f[0].setting == std::optional<std::string>("SECRET_KEY_FALLBACKS"));
  }

  TEST_CASE("rules-own SK001: environment reads and empty keys stay silent") {
    CHECK(run_rule("SK001", "import os\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n").empty());
    CHECK(run_rule("SK001", "SECRET_KEY = ''\n").empty());
    CHECK(run_rule("SK001", "import os\nSECRET_KEY = os.environ.get('K', 'fallback-key')\n").empty());  // SK002's
  }

  TEST_CASE("rules-own: where a key comes from is stated as what happens at runtime") {
    // No default: os.environ.get() gives None, which DJ009 says rather than "the default applies".
    const auto none = run_rule("DJ009", "import os\nSECRET_KEY = os.environ.get('SECRET_KEY')\n");
    REQUIRE(none.size() == 1);
    CHECK(none[0].message.find("no default is written: os.environ.get() gives None") != std::string::npos);
    // `if not SECRET_KEY: raise`: the settings require the variable, so nothing about its value is claimed.
    CHECK(run_rule("DJ009",
                   "import os\nSECRET_KEY = os.environ.get('SECRET_KEY')\nif not SECRET_KEY:\n"
                   "    raise RuntimeError('set SECRET_KEY')\n")
              .empty());
    // A helper written in the project is followed: its default is what applies.
    const auto helper = run_rule("DJ009",
                                 "import os\ndef envsecret(name, default):\n    return os.environ.get(name, default)\n"
                                 "SECRET_KEY = envsecret('SECRET_KEY', '---')\n");
    REQUIRE(helper.size() == 1);
    CHECK(helper[0].message.find("the default written in the settings applies") != std::string::npos);
    CHECK(helper[0].where.line == 4);
  }

  TEST_CASE("rules-own SK003: a key drawn from random.SystemRandom() fires") {
    const auto f = run_rule("SK003",
                            "import random\nSECRET_KEY = ''.join(random.SystemRandom().choice('abcdef0123') "
                            "for _ in range(50))\n");
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find("choice()") != std::string::npos);
  }

  TEST_CASE("rules-own SK002: each fallback idiom fires, whatever the key's length") {
    const char* sources[] = {
        "import os\nSECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'default_secret_key')\n",
        "import os\nSECRET_KEY = os.getenv('DJANGO_SECRET_KEY', 'default_secret_key')\n",
        "import environ\nenv = environ.Env()\nSECRET_KEY = env('DJANGO_SECRET_KEY', default='default_secret_key')\n",
        "import environ\nenv = environ.Env()\nSECRET_KEY = env.str('DJANGO_SECRET_KEY', "
        "default='default_secret_key')\n",
        "from decouple import config\nSECRET_KEY = config('DJANGO_SECRET_KEY', default='default_secret_key')\n",
    };
    for (const char* source : sources) {
      CAPTURE(source);
      const auto f = run_rule("SK002", source);
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("DJANGO_SECRET_KEY") != std::string::npos);
      CHECK(f[0].message.find("an 18-character literal") != std::string::npos);
      CHECK(f[0].message.find("default_secret_key") == std::string::npos);
    }
    const auto long_key = run_rule("SK002", "import os\nSECRET_KEY = os.environ.get('K', '" + strong_key + "')\n");
    CHECK(long_key.size() == 1);
  }

  TEST_CASE("rules-own SK002: fires even when the analysed environment sets the variable") {
    const auto f =
        run_rule("SK002", "import os\nSECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'default_secret_key')\n",
                 environment({{"DJANGO_SECRET_KEY", strong_key.c_str()}}));
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find(strong_key) == std::string::npos);
  }

  TEST_CASE("rules-own SK002: a SECRET_KEY_FALLBACKS entry with a hard-coded fallback fires") {
    const auto f = run_rule("SK002",
                            "import os\nSECRET_KEY = os.environ['K']\n"
                            "SECRET_KEY_FALLBACKS = [os.environ.get('OLD_KEY', 'old-key-value')]\n");
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find("SECRET_KEY_FALLBACKS[0]") != std::string::npos);
    CHECK(f[0].setting == std::optional<std::string>("SECRET_KEY_FALLBACKS"));
  }

  TEST_CASE("rules-own SK002: no fallback, an empty one, or None stay silent") {
    CHECK(run_rule("SK002", "import os\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n").empty());
    CHECK(run_rule("SK002", "import os\nSECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', '')\n").empty());
    CHECK(run_rule("SK002", "import os\nSECRET_KEY = os.environ.get('DJANGO_SECRET_KEY')\n").empty());
    CHECK(run_rule("SK002", "from decouple import config\nSECRET_KEY = config('DJANGO_SECRET_KEY')\n").empty());
  }

  TEST_CASE("rules-own SK003: keys generated at import fire, directly or as a fallback") {
    SUBCASE("get_random_secret_key()") {
      const auto f = run_rule("SK003",
                              "from django.core.management.utils import get_random_secret_key\n"
                              "SECRET_KEY = get_random_secret_key()\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("get_random_secret_key()") != std::string::npos);
    }
    SUBCASE("secrets.token_urlsafe") {
      CHECK(run_rule("SK003", "import secrets\nSECRET_KEY = secrets.token_urlsafe(50)\n").size() == 1);
    }
    SUBCASE("as the default of os.environ.get") {
      const auto f = run_rule("SK003",
                              "import os\nfrom django.core.management.utils import get_random_secret_key\n"
                              "SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', get_random_secret_key())\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("DJANGO_SECRET_KEY") != std::string::npos);
    }
    SUBCASE("after `or`: the condition is the variable being unset or empty") {
      const auto f = run_rule("SK003",
                              "import os\nfrom django.core.management.utils import get_random_secret_key\n"
                              "SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY') or get_random_secret_key()\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("when DJANGO_SECRET_KEY is unset or empty") != std::string::npos);
    }
    SUBCASE("in a branch an env-derived condition chose: the message names the `if` and the variable") {
      const auto f = run_rule("SK003",
                              "import os\nfrom django.core.management.utils import get_random_secret_key\n"
                              "DEBUG = os.environ.get('DJANGO_DEBUG', '1') == '1'\n"
                              "if DEBUG:\n    SECRET_KEY = get_random_secret_key()\n"
                              "else:\n    SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("when the `if` at settings.py:4") != std::string::npos);
      CHECK(f[0].message.find("while DJANGO_DEBUG is unset") != std::string::npos);
      CHECK(f[0].where.line == 5);
      CHECK(run_rule("SK003",
                     "import os\nfrom django.core.management.utils import get_random_secret_key\n"
                     "DEBUG = os.environ.get('DJANGO_DEBUG', '1') == '1'\n"
                     "if DEBUG:\n    SECRET_KEY = get_random_secret_key()\n"
                     "else:\n    SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n",
                     environment({{"DJANGO_DEBUG", "0"}}))
                .empty());
    }
    CHECK(run_rule("SK003", "import os\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n").empty());
    CHECK(run_rule("SK003", "SECRET_KEY = '" + strong_key + "'\n").empty());
  }

  TEST_CASE("rules-own SK001: a literal key on one of several paths fires, naming the condition") {
    const auto f = run_rule("SK001", "import os\nSECRET_KEY = '" + strong_key +
                                         "'\nif os.environ.get('DJANGO_SECRET_KEY'):\n"
                                         "    SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n");
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find("on one of the paths") != std::string::npos);
    CHECK(f[0].message.find("condition at settings.py:3") != std::string::npos);
    CHECK(f[0].where.line == 2);
  }

  TEST_CASE("rules-own SK003: a key generated in an except fallback or a branch the analysis cannot decide fires") {
    SUBCASE("try: read a file, except: generate") {
      const auto f = run_rule("SK003",
                              "from django.core.management.utils import get_random_secret_key\n"
                              "try:\n    SECRET_KEY = open('/etc/mysite/key').read()\n"
                              "except OSError:\n    SECRET_KEY = get_random_secret_key()\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("get_random_secret_key()") != std::string::npos);
      CHECK(f[0].message.find("try body at settings.py:2") != std::string::npos);
      CHECK(f[0].where.line == 5);
    }
    SUBCASE("an `if` on something unknown") {
      const auto f = run_rule("SK003",
                              "import secrets, json\nif json.loads('x'):\n    SECRET_KEY = open('/k').read()\n"
                              "else:\n    SECRET_KEY = secrets.token_hex(50)\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("condition at settings.py:2") != std::string::npos);
    }
    SUBCASE("generated, then written to a file that later starts read back: not reported") {
      CHECK(
          run_rule("SK003",
                   "import os\nfrom django.utils.crypto import get_random_string\n"
                   "if os.path.exists('/var/lib/app/.secret'):\n    SECRET_KEY = open('/var/lib/app/.secret').read()\n"
                   "else:\n    SECRET_KEY = get_random_string(50)\n"
                   "    with open('/var/lib/app/.secret', 'w') as f:\n        f.write(SECRET_KEY)\n")
              .empty());
    }
    SUBCASE("no path generates it, one path cannot be known: a blind spot, not a finding") {
      std::vector<rules::Undecided> undecided;
      const rules::Rule* rule = rules::find_rule("SK003");
      const settings::SettingsModel model = settings::evaluate_source(
          "import json\nif json.loads('x'):\n    SECRET_KEY = open('/k').read()\nelse:\n    SECRET_KEY = "
          "json.loads('y')\n",
          {}, "settings.py", fixtures_dir());
      std::vector<Finding> findings;
      rules::FindingSink sink(rule->info, findings, &undecided);
      rule->check(rules::RuleContext{model}, sink);
      CHECK(findings.empty());
      REQUIRE(undecided.size() == 1);
      CHECK(undecided[0].setting == "SECRET_KEY");
    }
  }

  TEST_CASE("rules-own SK004: weak fallbacks fire by Django's three criteria, strong ones do not") {
    SUBCASE("too short") {
      const auto f = run_rule("SK004", "import os\nSECRET_KEY = os.getenv('DJANGO_SECRET_KEY', 'changeme')\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("8 characters") != std::string::npos);
      CHECK(f[0].message.find("changeme") == std::string::npos);
      CHECK(f[0].severity == Severity::warning);
    }
    SUBCASE("django-insecure- prefix") {
      const auto f =
          run_rule("SK004", "from decouple import config\nSECRET_KEY = config('SECRET_KEY', default='django-insecure-" +
                                strong_key + "')\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("django-insecure-") != std::string::npos);
    }
    SUBCASE("too few distinct characters") {
      const auto f = run_rule("SK004", "import environ\nenv = environ.Env()\nSECRET_KEY = env('SECRET_KEY', default='" +
                                           std::string(60, 'x') + "')\n");
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("1 distinct") != std::string::npos);
    }
    SUBCASE("set in the analysed environment: Django's W009 sees only the strong value") {
      CHECK(run_rule("SK004", "import os\nSECRET_KEY = os.getenv('DJANGO_SECRET_KEY', 'changeme')\n",
                     environment({{"DJANGO_SECRET_KEY", strong_key.c_str()}}))
                .size() == 1);
    }
    CHECK(run_rule("SK004", "import os\nSECRET_KEY = os.getenv('DJANGO_SECRET_KEY', '" + strong_key + "')\n").empty());
    CHECK(run_rule("SK004", "SECRET_KEY = 'changeme'\n").empty());  // a literal: SK001 and Django's W009
  }

  TEST_CASE("rules-own helpers: SECRET_KEY weakness follows Django's W009 exactly") {
    using rules::own::secret_key_weakness;
    CHECK(secret_key_weakness(strong_key) == std::nullopt);
    CHECK(secret_key_weakness(std::string(49, 'a') + "b").has_value());
    CHECK(secret_key_weakness("abcd" + std::string(46, 'a')).has_value());       // 4 distinct
    CHECK(secret_key_weakness("abcde" + std::string(45, 'a')) == std::nullopt);  // 5 distinct, 50 long
    CHECK(secret_key_weakness("django-insecure-" + strong_key).has_value());
    // Lengths count code points, as Python's len() does: 50 two-byte characters are 50, not 100.
    std::string accented;
    for (int i = 0; i < 10; ++i) accented += "\xc3\xa9\xc3\xa8\xc3\xaa\xc3\xab\xc3\xa0";
    CHECK(rules::own::python_length(accented) == 50);
    CHECK(secret_key_weakness(accented) == std::nullopt);
    CHECK(rules::own::sized("12345678", "literal") == "an 8-character literal");
    CHECK(rules::own::sized(std::string(18, 'x'), "literal") == "an 18-character literal");
    CHECK(rules::own::sized(std::string(17, 'x'), "literal") == "a 17-character literal");
  }
}

}  // namespace deployctl::checks::rules_own_test
