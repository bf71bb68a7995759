// CORS001/CORS002 (django-cors-headers allow-all, with or without credentials) and TYPE001/TYPE002 (strings in
// boolean settings).
#include <doctest/doctest.h>

#include <string>

#include "rules_own_support.hpp"

namespace deployctl::checks::rules_own_test {

namespace {
const std::string cors_app =
    "INSTALLED_APPS = ['corsheaders']\nMIDDLEWARE = ['corsheaders.middleware.CorsMiddleware']\n";
}  // namespace

TEST_SUITE("rules-own cors and types") {
  TEST_CASE("rules-own CORS001/CORS002: allow-all is a warning, with credentials an error") {
    CHECK(run_rule("CORS001", cors_app + "CORS_ALLOW_ALL_ORIGINS = True\n").size() == 1);
    CHECK(run_rule("CORS001", cors_app + "CORS_ORIGIN_ALLOW_ALL = True\n").size() == 1);
    CHECK(run_rule("CORS002", cors_app + "CORS_ALLOW_ALL_ORIGINS = True\n").empty());
    const std::string both = cors_app + "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n";
    CHECK(run_rule("CORS001", both).empty());
    const auto f = run_rule("CORS002", both);
    REQUIRE(f.size() == 1);
    CHECK(f[0].severity == Severity::error);
    CHECK(f[0].setting == std::optional<std::string>("CORS_ALLOW_ALL_ORIGINS"));
  }

  TEST_CASE("rules-own CORS001: the new name wins over the old, and an inert package is silent") {
    CHECK(run_rule("CORS001", cors_app + "CORS_ALLOW_ALL_ORIGINS = False\nCORS_ORIGIN_ALLOW_ALL = True\n").empty());
    CHECK(run_rule("CORS001", "INSTALLED_APPS = ['django.contrib.admin']\nCORS_ALLOW_ALL_ORIGINS = True\n").empty());
    CHECK(run_rule("CORS001", cors_app + "CORS_ALLOWED_ORIGINS = ['https://app.example.com']\n").empty());
    const auto from_env =
        run_rule("CORS001", "import environ\nenv = environ.Env()\n" + cors_app +
                                "CORS_ALLOW_ALL_ORIGINS = env.bool('CORS_ALLOW_ALL', default=True)\n");
    REQUIRE(from_env.size() == 1);
    CHECK(from_env[0].message.find("CORS_ALLOW_ALL") != std::string::npos);
  }

  TEST_CASE("rules-own CORS001: allow-all limited by CORS_URLS_REGEX to a written path is a public API") {
    const std::string api = cors_app + "CORS_ALLOW_ALL_ORIGINS = True\n";
    CHECK(run_rule("CORS001", api + "CORS_URLS_REGEX = r'^/api(/.*)?$'\n").empty());
    // The package's default, or a pattern that starts with a wildcard, limits nothing.
    CHECK(run_rule("CORS001", api + "CORS_URLS_REGEX = r'^.*$'\n").size() == 1);
    CHECK(run_rule("CORS001", api + "CORS_URLS_REGEX = r'^/.*api'\n").size() == 1);
    // With credentials it stays CORS002's error, whatever the paths.
    CHECK(run_rule("CORS002", api + "CORS_ALLOW_CREDENTIALS = True\nCORS_URLS_REGEX = r'^/api/'\n").size() == 1);
    // A pattern the analysis cannot know is a blind spot, not a finding.
    const auto unknown = run_rule("CORS001", "from thirdparty import PATTERN\n" + api + "CORS_URLS_REGEX = PATTERN\n");
    CHECK(unknown.empty());
  }

  TEST_CASE("rules-own TYPE001: strings that read as off, and raw env text, in boolean settings") {
    const auto f = run_rule("TYPE001", "DEBUG = 'False'\n");
    REQUIRE(f.size() == 1);
    CHECK(f[0].message.find("'False'") != std::string::npos);
    CHECK(f[0].severity == Severity::error);
    CHECK(run_rule("TYPE001", "SECURE_SSL_REDIRECT = '0'\n").size() == 1);
    const auto env_raw =
        run_rule("TYPE001", "import os\nSESSION_COOKIE_SECURE = os.environ.get('COOKIE_SECURE', 'True')\n");
    REQUIRE(env_raw.size() == 1);
    CHECK(env_raw[0].message.find("COOKIE_SECURE") != std::string::npos);
    CHECK(run_rule("TYPE001", "import os\nUSE_X_FORWARDED_HOST = os.getenv('BEHIND_PROXY', False)\n").size() == 1);
    CHECK(run_rule("TYPE001", "import os\nDEBUG = os.getenv('DEBUG', 'False')\n").empty());  // DBG002 reports DEBUG
  }

  TEST_CASE("rules-own TYPE002: strings that work by truthiness") {
    const auto f = run_rule("TYPE002", "SESSION_COOKIE_SECURE = 'True'\n");
    REQUIRE(f.size() == 1);
    CHECK(f[0].severity == Severity::warning);
    CHECK(run_rule("TYPE002", "CSRF_COOKIE_SECURE = ''\n").size() == 1);
    CHECK(run_rule("TYPE002", "SESSION_COOKIE_SECURE = 'False'\n").empty());  // TYPE001
    CHECK(run_rule("TYPE002", "SESSION_COOKIE_SECURE = True\nSECURE_HSTS_SECONDS = '3600'\n").empty());
    CHECK(run_rule("TYPE001", "SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = False\n").empty());
  }
}

}  // namespace deployctl::checks::rules_own_test
