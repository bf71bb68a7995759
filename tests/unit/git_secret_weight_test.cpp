// The decision table of GIT001/GIT002 (checks/git/secret_weight.hpp), row by row, on the literal forms the
// real-world corpus showed: placeholders and format arguments are nothing, test/dev/local credentials are
// throwaway, the rest is live; and the extractor leaves the placeholders out.
#include <doctest/doctest.h>

#include <string>

#include "checks/git/secret_literals.hpp"
#include "checks/git/secret_weight.hpp"

namespace deployctl::checks::git {

namespace {

SecretWeight weight_of(std::string_view value, std::string_view path = "mysite/settings.py",
                       std::string_view url = {}) {
  return weigh_secret(value, path, url).weight;
}

}  // namespace

TEST_SUITE("git secret weight") {
  TEST_CASE("placeholders, templates and format arguments are no secret") {
    for (const std::string_view value : {"CHANGEME",
                                         "change-me",
                                         "Change_Me_Please",
                                         "YOUR_API_SECRET",
                                         "your-secret-key-here",
                                         "xyz",
                                         "x",
                                         "***********",
                                         "{{ secret_key }}",
                                         "{{secret}}",
                                         "%s",
                                         "%(password)s",
                                         "${DB_PASSWORD}",
                                         "$DB_PASSWORD",
                                         "<your-token>",
                                         "{password}",
                                         "dummy-token",
                                         "not-a-secret",
                                         "replace-this-key",
                                         "secret",
                                         "password",
                                         "mysecretpassword",
                                         "example-key-123",
                                         "xxxxxxxxxxxxxxxx",
                                         "TODO"}) {
      CAPTURE(value);
      CHECK(weight_of(value) == SecretWeight::not_a_secret);
    }
  }

  TEST_CASE("letters drummed along the home row are filler, while words, passphrases and generated keys are not") {
    CHECK(weight_of("shjbalkfbdskjlbdskljbdskaljfb") == SecretWeight::not_a_secret);  // junction's EXPLARA_API_TOKEN
    CHECK(weight_of("asdfasdfasdf") == SecretWeight::not_a_secret);
    for (const std::string_view value : {"correcthorsebatterystaple", "c892e4962244", "hadskfjaslkdjfQ7",
                                         "sahdjfkaslkdjf1", "Asdkfjhaslkdfj", "flashglass"}) {
      CAPTURE(value);
      CHECK(weight_of(value) == SecretWeight::live);
    }
  }

  TEST_CASE("test files, CI files, dev settings and dev containers hold throwaway credentials") {
    const std::string_view key = "k9Xq-7vLp-2mWz-8rTt";
    for (const std::string_view path :
         {"tests/settings.py", "myapp/tests/test_views.py", "settings/test.py", "test_settings.py", "conftest.py",
          "mysite/settings_test.py", "settings/ci.py", ".github/workflows/ci.yml", ".travis.yml", "docker-compose.yml",
          "babybuddy/settings/travis.py", "settings/dev.py", "settings/development.py", "config/settings_dev.py",
          ".devcontainer/.env", ".env.test", ".env.development"}) {
      CAPTURE(path);
      CHECK(weight_of(key, path) == SecretWeight::throwaway);
    }
    for (const std::string_view path :
         {"settings/production.py", "mysite/settings.py", "local_settings.py", "settings/base.py", ".env",
          "deploy/production.env", "config/settings/prod.py", "contest/settings.py", "devices/settings.py"}) {
      CAPTURE(path);
      CHECK(weight_of(key, path) == SecretWeight::live);
    }
  }

  TEST_CASE("URL passwords: local hosts and service names are throwaway - real hosts are live") {
    for (const std::string_view url :
         {"postgres://app:s3cr3t-pw@localhost/app", "postgres://app:s3cr3t-pw@127.0.0.1:5432/app",
          "redis://:s3cr3t-pw@[::1]:6379/0", "postgres://app:s3cr3t-pw@db/app", "amqp://u:s3cr3t-pw@rabbitmq//",
          "mysql://u:s3cr3t-pw@mysql.local/x", "postgres://u:s3cr3t-pw@db.example.com/x"}) {
      CAPTURE(url);
      CHECK(weight_of("s3cr3t-pw", "mysite/settings.py", url) == SecretWeight::throwaway);
    }
    CHECK(weight_of("s3cr3t-pw", "mysite/settings.py", "postgres://app:s3cr3t-pw@db.prod.acme.io/app") ==
          SecretWeight::live);
    CHECK(weight_of("%s", "mysite/settings.py", "postgres://%s:%s@%s/%s") == SecretWeight::not_a_secret);
  }

  TEST_CASE("a key set only under `if DEBUG:` and a database password beside a local HOST are throwaway") {
    const auto debug = find_secret_literals(
        "if DEBUG:\n    SECRET_KEY = 'k9Xq-7vLp-2mWz-8rTt'\n"
        "else:\n    SECRET_KEY = os.environ['SECRET_KEY']\n"
        "if not settings.DEBUG:\n    API_TOKEN = 'Zr8-k2Lq-9vXw-tq4'\n"
        "else:\n    EMAIL_HOST_PASSWORD = 'Qm3-Wv8p-Lx2t-Hc7'\n",
        "mysite/settings.py");
    REQUIRE(debug.size() == 3);
    CHECK(debug[0].weight.weight == SecretWeight::throwaway);
    CHECK(debug[1].name == "API_TOKEN");
    CHECK(debug[1].weight.weight == SecretWeight::live);  // `if not DEBUG:` is the production branch
    CHECK(debug[2].weight.weight == SecretWeight::throwaway);

    const auto databases = find_secret_literals(
        "DATABASES = {'default': {'NAME': 'a', 'PASSWORD': 'T@wq-ana03', 'HOST': ''}}\n"
        "LOCAL = {'default': {'PASSWORD': 'Nq7-ath76a1', 'HOST': os.environ.get('DB_HOST', 'localhost')}}\n"
        "REMOTE = {'default': {'PASSWORD': 'Vb4-Lk9-Qz2', 'HOST': 'db.prod.acme.io'}}\n"
        "UNKNOWN = {'default': {'PASSWORD': 'Hs6-Tn3-Wr8', 'HOST': os.environ['DB_HOST']}}\n",
        "mysite/settings.py");
    REQUIRE(databases.size() == 4);
    CHECK(databases[0].weight.weight == SecretWeight::throwaway);
    CHECK(databases[1].weight.weight == SecretWeight::throwaway);
    CHECK(databases[2].weight.weight == SecretWeight::live);
    CHECK(databases[3].weight.weight == SecretWeight::live);
  }

  TEST_CASE("provider test-mode keys, startproject dev keys and well-known defaults are throwaway") {
    CHECK(weight_of("sk_test_4eC39HqLyjWDarjtT1zdp7dc") == SecretWeight::throwaway);
    CHECK(weight_of("django-insecure-7v#k2!p9q@w4e$r8t%y1u^i6o&p3a*s5d(f0g)h") == SecretWeight::throwaway);
    CHECK(weight_of("postgres") == SecretWeight::throwaway);
    CHECK(weight_of("guest") == SecretWeight::throwaway);
    CHECK(weight_of("sk_live_4eC39HqLyjWDarjtT1zdp7dc") == SecretWeight::live);
    CHECK(weight_of("x7#k2!p9q@w4e$r8t%y1u^i6o&p3a*s5d(f0g)h-j=k+l_z;cv") == SecretWeight::live);
  }

  TEST_CASE("the extractor leaves placeholders out and weighs the rest") {
    const auto found = find_secret_literals(
        "import os\n"
        "SECRET_KEY = 'CHANGEME'\n"
        "DB = 'postgres://%s:%s@%s/%s' % (u, p, h, n)\n"
        "API_TOKEN = os.environ.get('API_TOKEN', 'YOUR_API_TOKEN')\n"
        "EMAIL_HOST_PASSWORD = 'k9Xq-7vLp-2mWz-8rTt'\n"
        "CACHE = 'redis://:k9Xq-7vLp@localhost:6379/0'\n",
        "mysite/settings.py");
    REQUIRE(found.size() == 2);
    CHECK(found[0].name == "EMAIL_HOST_PASSWORD");
    CHECK(found[0].weight.weight == SecretWeight::live);
    CHECK(found[1].name == "a URL's password");
    CHECK(found[1].weight.weight == SecretWeight::throwaway);
    CHECK(find_secret_literals("COMPOSE_PROJECT_NAME=mysite\nDEBUG=1\n", ".env").empty());
    // A variable's name passed along is no value: deprecated("PAPERLESS_SECRET", "PAPERLESS_SHARED_SECRET").
    CHECK(find_secret_literals("deprecated('PAPERLESS_SECRET', 'PAPERLESS_SHARED_SECRET')\n", "settings.py").empty());
    CHECK(find_secret_literals("POSTGRES_PASSWORD=changeme\n", ".devcontainer/.env").empty());
  }
}

}  // namespace deployctl::checks::git
