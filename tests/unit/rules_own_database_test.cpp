// DB001 (a DATABASES password in the source) and DB002 (credentials in a database URL default), without
// ever printing the password.
#include <doctest/doctest.h>

#include <string>

#include "rules_own_support.hpp"

namespace deployctl::checks::rules_own_test {

namespace {
std::string database(const std::string& password, const std::string& engine = "django.db.backends.postgresql") {
  return "import os\nDATABASES = {'default': {'ENGINE': '" + engine + "', 'NAME': 'app', 'PASSWORD': " + password +
         "}}\n";
}
}  // namespace

TEST_SUITE("rules-own database") {
  TEST_CASE("rules-own DB001: literal passwords and literal fallbacks fire, by length") {
    const auto literal = run_rule("DB001", database("'hunter2-db'"));
    REQUIRE(literal.size() == 1);
    CHECK(literal[0].message.find("DATABASES['default']['PASSWORD']") != std::string::npos);
    CHECK(literal[0].message.find("a 10-character literal") != std::string::npos);
    CHECK(literal[0].message.find("hunter2") == std::string::npos);
    const auto fallback = run_rule("DB001", database("os.environ.get('DB_PASSWORD', 'hunter2-db')"));
    REQUIRE(fallback.size() == 1);
    CHECK(fallback[0].message.find("DB_PASSWORD") != std::string::npos);
    CHECK(fallback[0].message.find("hunter2") == std::string::npos);
    CHECK(run_rule("DB001",
                   "from decouple import config\nDATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', "
                   "'PASSWORD': config('DB_PASSWORD', default='hunter2')}}\n")
              .size() == 1);
  }

  TEST_CASE("rules-own DB001: env reads, empty passwords and SQLite stay silent") {
    CHECK(run_rule("DB001", database("os.environ['DB_PASSWORD']")).empty());
    CHECK(run_rule("DB001", database("''")).empty());
    CHECK(run_rule("DB001", database("os.environ.get('DB_PASSWORD', '')")).empty());
    CHECK(run_rule("DB001", database("'hunter2'", "django.db.backends.sqlite3")).empty());
  }

  TEST_CASE("rules-own DB002: URL defaults with a password fire in each library") {
    const char* sources[] = {
        "import environ\nenv = environ.Env()\nDATABASES = {'default': env.db('DATABASE_URL', "
        "default='postgres://app:hunter2@db/app')}\n",
        "import dj_database_url\nDATABASES = {'default': "
        "dj_database_url.config(default='postgres://app:hunter2@db/app')}\n",
        "from decouple import config\nfrom dj_database_url import parse as db_url\n"
        "DATABASES = {'default': config('DATABASE_URL', default='postgres://app:hunter2@db/app', cast=db_url)}\n",
        "import os\nimport dj_database_url\n"
        "DATABASES = {'default': dj_database_url.parse(os.environ.get('DATABASE_URL', "
        "'postgres://app:hunter2@db/app'))}\n",
    };
    for (const char* source : sources) {
      CAPTURE(source);
      const auto f = run_rule("DB002", source);
      REQUIRE(f.size() == 1);
      CHECK(f[0].message.find("DATABASE_URL") != std::string::npos);
      CHECK(f[0].message.find("a 7-character password") != std::string::npos);
      CHECK(f[0].message.find("hunter2") == std::string::npos);
      CHECK(f[0].setting == std::optional<std::string>("DATABASES"));
    }
  }

  TEST_CASE("rules-own DB002: URLs without a password and non-database URLs stay silent") {
    CHECK(run_rule("DB002",
                   "import environ\nenv = environ.Env()\nDATABASES = {'default': env.db('DATABASE_URL', "
                   "default='postgres://app@db/app')}\n")
              .empty());
    CHECK(run_rule("DB002",
                   "import environ\nenv = environ.Env()\nDATABASES = {'default': env.db('DATABASE_URL', "
                   "default='sqlite:///db.sqlite3')}\n")
              .empty());
    CHECK(run_rule("DB002", "import os\nBROKER_URL = os.environ.get('BROKER_URL', 'amqp://guest:guest@localhost//')\n")
              .empty());
    CHECK(run_rule("DB002", "import environ\nenv = environ.Env()\nDATABASES = {'default': env.db('DATABASE_URL')}\n")
              .empty());
  }
}

}  // namespace deployctl::checks::rules_own_test
