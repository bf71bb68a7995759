// HOST001-HOST003: a '*' in ALLOWED_HOSTS, a '*' default of an env read, and the [''] of splitting an
// empty variable (which Django's W020 misses because the list is not empty).
#include <doctest/doctest.h>

#include "rules_own_support.hpp"

namespace deployctl::checks::rules_own_test {

TEST_SUITE("rules-own hosts") {
  TEST_CASE("rules-own HOST001: a literal wildcard fires, host lists do not") {
    CHECK(run_rule("HOST001", "ALLOWED_HOSTS = ['*']\n").size() == 1);
    CHECK(run_rule("HOST001", "ALLOWED_HOSTS = ('example.com', '*')\n").size() == 1);
    CHECK(run_rule("HOST001", "ALLOWED_HOSTS = ['example.com', '.example.com']\n").empty());
    CHECK(run_rule("HOST001", "ALLOWED_HOSTS = []\n").empty());
  }

  TEST_CASE("rules-own HOST001/HOST002: a wildcard set in the environment is HOST001, a default one HOST002") {
    const std::string source = "import os\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', '*').split(',')\n";
    CHECK(run_rule("HOST001", source).empty());
    const auto defaulted = run_rule("HOST002", source);
    REQUIRE(defaulted.size() == 1);
    CHECK(defaulted[0].message.find("DJANGO_ALLOWED_HOSTS") != std::string::npos);
    const auto env = environment({{"DJANGO_ALLOWED_HOSTS", "*"}});
    CHECK(run_rule("HOST001", source, env).size() == 1);
    CHECK(run_rule("HOST002", source, env).empty());
  }

  TEST_CASE("rules-own HOST002: the wildcard default fires in each library, even when the variable is set") {
    CHECK(run_rule("HOST002",
                   "import environ\nenv = environ.Env()\n"
                   "ALLOWED_HOSTS = env.list('DJANGO_ALLOWED_HOSTS', default=['*'])\n")
              .size() == 1);
    CHECK(run_rule("HOST002",
                   "from decouple import config, Csv\n"
                   "ALLOWED_HOSTS = config('ALLOWED_HOSTS', default='*', cast=Csv())\n")
              .size() == 1);
    CHECK(run_rule("HOST002",
                   "import os\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost,*').split(',')\n",
                   environment({{"DJANGO_ALLOWED_HOSTS", "example.com"}}))
              .size() == 1);
    CHECK(run_rule("HOST002",
                   "import os\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost').split(',')\n")
              .empty());
    CHECK(run_rule("HOST002", "ALLOWED_HOSTS = ['*']\n").empty());  // no env read: HOST001
    // A .env file may set the variable (no known project): the wildcard default still applies without it.
    CHECK(run_rule("HOST002",
                   "from decouple import config, Csv\n"
                   "ALLOWED_HOSTS = config('ALLOWED_HOSTS', default='*', cast=Csv())\n",
                   {}, {})
              .size() == 1);
  }

  TEST_CASE("rules-own HOST003: [''] from splitting an unset or empty variable fires") {
    const std::string source = "import os\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')\n";
    const auto unset = run_rule("HOST003", source);
    REQUIRE(unset.size() == 1);
    CHECK(unset[0].severity == Severity::error);
    CHECK(unset[0].message.find("variable DJANGO_ALLOWED_HOSTS is unset") != std::string::npos);
    CHECK(unset[0].message.find("W020") != std::string::npos);
    const auto empty = run_rule("HOST003", source, environment({{"DJANGO_ALLOWED_HOSTS", ""}}));
    REQUIRE(empty.size() == 1);
    CHECK(empty[0].message.find("DJANGO_ALLOWED_HOSTS is empty") != std::string::npos);
    CHECK(run_rule("HOST003", "ALLOWED_HOSTS = ['']\n").size() == 1);
    CHECK(run_rule("HOST003", "import os\nALLOWED_HOSTS = os.getenv('HOSTS', ' ').split(',')\n").size() == 1);
  }

  TEST_CASE("rules-own HOST003: real hosts, filtered lists and empty lists stay silent") {
    const std::string source = "import os\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')\n";
    CHECK(run_rule("HOST003", source, environment({{"DJANGO_ALLOWED_HOSTS", "example.com"}})).empty());
    CHECK(run_rule("HOST003", "ALLOWED_HOSTS = 'example.com,'.split(',')\n").empty());
    CHECK(run_rule("HOST003", "import os\nALLOWED_HOSTS = [h for h in os.environ.get('H', '').split(',') if h]\n")
              .empty());
    CHECK(run_rule("HOST003", "ALLOWED_HOSTS = []\n").empty());
  }

  TEST_CASE("rules-own DJ020: None from an unset variable is a required variable, an empty list a finding") {
    // values.ListValue(None) in a django-configurations class, os.environ.get() without default: no host list.
    CHECK(run_rule("DJ020", "import os\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS')\n").empty());
    CHECK(run_rule("DJ020",
                   "from configurations import Configuration, values\n"
                   "class Production(Configuration):\n    ALLOWED_HOSTS = values.ListValue(None)\n",
                   environment({{"DJANGO_CONFIGURATION", "Production"}}))
              .empty());
    // An empty list written as the fallback is what the deploy gets when it forgets the variable.
    CHECK(run_rule("DJ020", "import os\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', [])\n").size() == 1);
    CHECK(run_rule("DJ020",
                   "from configurations import Configuration, values\n"
                   "class Production(Configuration):\n    ALLOWED_HOSTS = values.ListValue([])\n",
                   environment({{"DJANGO_CONFIGURATION", "Production"}}))
              .size() == 1);
  }
}

}  // namespace deployctl::checks::rules_own_test
