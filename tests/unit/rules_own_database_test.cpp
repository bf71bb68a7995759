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

  TEST_CASE("rules-own DB001: weighed as GIT002 weighs it: a local or throwaway database is info, with why") {
    const auto on = [](const std::string& host, const std::string& password = "'hunter2-db'") {
      return run_rule("DB001",
                      "import os\nDATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', "
                      "'PASSWORD': " +
                          password + ", 'HOST': " + host + "}}\n");
    };
    const auto live = on("'db1.prod.mysite.org'");
    REQUIRE(live.size() == 1);
    CHECK(live[0].severity == Severity::error);
    for (const std::string host : {"'127.0.0.1'", "'localhost'", "''", "'db'", "os.environ.get('DB_HOST', 'db')"}) {
      CAPTURE(host);
      const auto local = on(host);
      REQUIRE(local.size() == 1);
      CHECK(local[0].severity == Severity::info);
      CHECK(local[0].message.find("reported as info") != std::string::npos);
    }
    // HOST absent: Django's default '' is the local socket.
    const auto socket = run_rule("DB001", database("'hunter2-db'"));
    REQUIRE(socket.size() == 1);
    CHECK(socket[0].severity == Severity::info);
    CHECK(socket[0].message.find("local socket") != std::string::npos);
    // The fallback of an env read is weighed the same way; a well-known default is info anywhere.
    const auto fallback = on("'db'", "os.environ.get('DB_PASSWORD', 'junction-pw')");
    REQUIRE(fallback.size() == 1);
    CHECK(fallback[0].severity == Severity::info);
    const auto well_known = on("'db1.prod.mysite.org'", "'postgres'");
    REQUIRE(well_known.size() == 1);
    CHECK(well_known[0].severity == Severity::info);
    // A HOST the analysis cannot know weighs nothing: the error stands. A placeholder is no password at all.
    CHECK(on("os.environ['DB_HOST']")[0].severity == Severity::error);
    CHECK(on("'db1.prod.mysite.org'", "'changeme'").empty());
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

  TEST_CASE("rules-own DB002: the password is weighed as DB001 weighs one") {
    const auto remote = run_rule("DB002",
                                 "import dj_database_url\nDATABASES = {'default': dj_database_url.config("
                                 "default='postgres://app:Zt4s3cr3tQp9@db.mysite.net/app')}\n");
    REQUIRE(remote.size() == 1);
    CHECK(remote[0].severity == Severity::error);
    const auto local = run_rule("DB002",
                                "import dj_database_url\nDATABASES = {'default': dj_database_url.config("
                                "default='postgres://app:Zt4s3cr3tQp9@localhost/app')}\n");
    REQUIRE(local.size() == 1);
    CHECK(local[0].severity == Severity::info);
    CHECK(local[0].message.find("reported as info") != std::string::npos);
    CHECK(local[0].message.find("Zt4s3cr3tQp9") == std::string::npos);
    CHECK(run_rule("DB002",
                   "import dj_database_url\nDATABASES = {'default': dj_database_url.config("
                   "default='postgres://user:<password>@db.mysite.net/app')}\n")
              .empty());
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
