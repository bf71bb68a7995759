// deployctl's own rules against their fixtures (tests/fixtures/rules): each fires on <id>_fires.py and stays
// silent on <id>_passes.py; and no rule ever prints a secret written in a fixture.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "rule_examples_support.hpp"
#include "rules_own_support.hpp"

namespace deployctl::checks::rules_own_test {
namespace {

using rule_examples::check_example;
using rule_examples::count_rule;

std::string lower(std::string_view id) {
  std::string out(id);
  std::ranges::transform(out, out.begin(),
                         [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

// The marker every fixture secret contains (see tests/fixtures/rules/README.md).
constexpr std::string_view secret_marker = "s3cr3t";

}  // namespace

TEST_SUITE("rules-own fixtures") {
  TEST_CASE("rules-own: every registered rule fires on its _fires fixture and not on its _passes fixture") {
    // The ids come from the registry, so a new rule without fixtures fails here. Rules whose examples are shell
    // sessions (they see a repository or Django's own checks) are run from their examples by
    // tests/e2e/rule_shell_examples.py.
    std::size_t rules_run = 0;
    for (const rules::Rule& rule : rules::all_rules()) {
      const std::string_view id = rule.info.id;
      CAPTURE(id);
      if (rule.info.example_language != "python") continue;
      const std::filesystem::path fires_file = fixtures_dir() / (lower(id) + "_fires.py");
      const std::filesystem::path passes_file = fixtures_dir() / (lower(id) + "_passes.py");
      const bool complete = std::filesystem::exists(fires_file) && std::filesystem::exists(passes_file);
      CHECK_MESSAGE(complete, id << " has no fixtures: write " << fires_file.filename().string() << " and "
                                 << passes_file.filename().string() << " in tests/fixtures/rules");
      if (!complete) continue;
      ++rules_run;
      const auto fires = check_example(read_fixture(fires_file));
      CHECK_MESSAGE(count_rule(fires, id) >= 1, id << " did not fire; findings:\n" << messages(fires));
      const auto passes = check_example(read_fixture(passes_file));
      CHECK_MESSAGE(count_rule(passes, id) == 0, id << " fired on its passing fixture:\n" << messages(passes));
    }
    CHECK(rules_run > 0);
  }

  TEST_CASE("rules-own: findings carry the rule's metadata and a location in the settings file") {
    const auto findings = run_rule("SK002", read_fixture(fixtures_dir() / "sk002_fires.py"));
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::error);
    CHECK(findings[0].setting == std::optional<std::string>("SECRET_KEY"));
    CHECK_FALSE(findings[0].django_check.has_value());
    CHECK(findings[0].where.file == "settings.py");
    CHECK(findings[0].where.line == 3);
    CHECK_FALSE(findings[0].fix.empty());
  }

  TEST_CASE("rules-own: no message or fix of any rule contains a secret used in the fixtures") {
    // Every fixture, plus secrets in each fallback idiom the SECRET_KEY and DATABASES rules read.
    std::vector<std::string> sources;
    for (const auto& entry : std::filesystem::directory_iterator(fixtures_dir()))
      if (entry.path().extension() == ".py") sources.push_back(read_fixture(entry.path()));
    sources.emplace_back("SECRET_KEY = 's3cr3t'\n");
    sources.emplace_back("SECRET_KEY = 'django-insecure-s3cr3t-0123456789abcdefghijklmnopqrstuvwxyz'\n");
    sources.emplace_back("SECRET_KEY_FALLBACKS = ['old-s3cr3t-key-0123456789abcdefghijklmnopqrstuvwxyz']\n");
    sources.emplace_back("import os\nSECRET_KEY = os.getenv('SECRET_KEY', 's3cr3t')\n");
    sources.emplace_back("import os\nSECRET_KEY_FALLBACKS = [os.environ.get('OLD_KEY', 'old-s3cr3t')]\n");
    sources.emplace_back("import os\nSECRET_KEY = os.environ.get('SECRET_KEY') or 'or-s3cr3t'\n");
    sources.emplace_back("import environ\nenv = environ.Env()\nSECRET_KEY = env('SECRET_KEY', default='s3cr3t-x')\n");
    sources.emplace_back(
        "import environ\nenv = environ.Env()\nSECRET_KEY = env.str('SECRET_KEY', default='s3cr3t-x')\n");
    sources.emplace_back("from decouple import config\nSECRET_KEY = config('SECRET_KEY', default='aaaas3cr3t')\n");
    sources.emplace_back(
        "import os\nDATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', "
        "'PASSWORD': os.environ.get('DB_PASSWORD', 's3cr3t')}}\n");
    sources.emplace_back(
        "import dj_database_url\nDATABASES = {'default': dj_database_url.config("
        "default='mysql://root:s3cr3t@127.0.0.1/app')}\n");
    sources.emplace_back(
        "from decouple import config\nfrom dj_database_url import parse as db_url\n"
        "DATABASES = {'default': config('DATABASE_URL', default='postgres://u:s3cr3t@h/d', cast=db_url)}\n");
    std::size_t findings_seen = 0;
    for (const std::string& source : sources) {
      CAPTURE(source);
      for (const auto& env : {environment(), environment({{"SECRET_KEY", "env-s3cr3t-value"},
                                                          {"DJANGO_SECRET_KEY", "env-s3cr3t-value"}})}) {
        for (const Finding& finding : run_all_rules(source, env)) {
          ++findings_seen;
          CHECK_MESSAGE(finding.message.find(secret_marker) == std::string::npos,
                        finding.rule << ": " << finding.message);
          CHECK_MESSAGE(finding.fix.find(secret_marker) == std::string::npos, finding.rule << ": " << finding.fix);
        }
      }
    }
    CHECK(findings_seen > sources.size());  // the scan looked at real findings, not an empty list
  }
}

}  // namespace deployctl::checks::rules_own_test
