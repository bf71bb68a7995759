// What the rules could not see (DPL005 and the summary's "Not fully checked" line) and SILENCED_SYSTEM_CHECKS
// (findings Django would not show are dropped and counted), through check_model on settings evaluated in memory.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/check_project.hpp"
#include "checks/report/report.hpp"
#include "checks/settings/evaluator.hpp"

using namespace deployctl;
using namespace deployctl::checks;

namespace {

CheckResult check_source(const std::string& source, const settings::Environment& environment = {},
                         const RuleFilter& filter = {}) {
  auto result = check_model(settings::evaluate_source(source, environment, "mysite/settings.py"), filter);
  REQUIRE_MESSAGE(result.has_value(), result.error().message);
  return std::move(*result);
}

std::vector<Finding> of_rule(const CheckResult& result, std::string_view id) {
  std::vector<Finding> found;
  for (const Finding& finding : result.findings)
    if (finding.rule == id) found.push_back(finding);
  return found;
}

std::string text_report(const CheckResult& result, bool statistics = false) {
  std::ostringstream out;
  const report::Report report{result.findings, result.summary, result.model.files, {}, "", result.silenced};
  report::ReportOptions options;
  options.show_source = false;
  options.statistics = statistics;
  report::write_text(out, report, options);
  return out.str();
}

const std::string production_base =
    "import os\n"
    "DEBUG = False\n"
    "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n"
    "ALLOWED_HOSTS = ['example.com']\n"
    "MIDDLEWARE = ['django.middleware.security.SecurityMiddleware',\n"
    "              'django.middleware.csrf.CsrfViewMiddleware',\n"
    "              'django.middleware.clickjacking.XFrameOptionsMiddleware']\n"
    "SECURE_HSTS_SECONDS = 31536000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True\nSECURE_HSTS_PRELOAD = True\n"
    "SECURE_SSL_REDIRECT = True\nCSRF_COOKIE_SECURE = True\n";

}  // namespace

TEST_SUITE("blind_spots") {
  TEST_CASE("blind spots: a clean, fully known module passes, and says so") {
    const CheckResult result = check_source(production_base);
    CHECK(result.findings.empty());
    CHECK(result.summary.unknown_settings.empty());
    CHECK(text_report(result) == "All checks passed.\n");
  }

  TEST_CASE("blind spots: an unknown DEBUG is reported once, naming why and the rules that could not decide") {
    const CheckResult result =
        check_source(production_base + "import json\nwith open('/etc/mysite.json') as f:\n    DEBUG = json.load(f)\n");
    const std::vector<Finding> blind = of_rule(result, "DPL005");
    REQUIRE(blind.size() == 1);
    CHECK(blind[0].severity == Severity::info);
    CHECK(blind[0].setting == std::optional<std::string>("DEBUG"));
    CHECK(blind[0].message.find("DEBUG cannot be known without running the settings") != std::string::npos);
    CHECK(blind[0].message.find("DJ018") != std::string::npos);
    CHECK(blind[0].where.line == 14);  // the with block the unknown value came from
    CHECK(result.summary.unknown_settings == std::vector<std::string>{"DEBUG"});
    const std::string text = text_report(result);
    CHECK(text.find("All checks passed") == std::string::npos);
    CHECK(text.find("Not fully checked: DEBUG is unknown without running the settings (DPL005).") != std::string::npos);
  }

  TEST_CASE("blind spots: an environment variable without a default is named as the reason") {
    const CheckResult result = check_source(production_base + "import os\nDEBUG = os.environ['DJANGO_DEBUG'] == '1'\n");
    const std::vector<Finding> blind = of_rule(result, "DPL005");
    REQUIRE(blind.size() == 1);
    CHECK(blind[0].message.find("DJANGO_DEBUG") != std::string::npos);
    // Given the variable, DEBUG is known and nothing is blind.
    settings::Environment environment;
    environment.variables.emplace("DJANGO_DEBUG", "0");
    CHECK(check_source(production_base + "import os\nDEBUG = os.environ['DJANGO_DEBUG'] == '1'\n", environment)
              .summary.unknown_settings.empty());
  }

  TEST_CASE("blind spots: a secret required from the environment is where it belongs, not a blind spot") {
    const CheckResult result =
        check_source(production_base + "import os\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n");
    CHECK(of_rule(result, "DPL005").empty());
    CHECK(result.summary.unknown_settings.empty());
  }

  TEST_CASE("blind spots: a MIDDLEWARE list with an item the analysis cannot know blinds the middleware rules") {
    const CheckResult result = check_source(
        "DEBUG = False\nALLOWED_HOSTS = ['example.com']\n"
        "SECRET_KEY = 'k8#Vq2!mZ7@rT4%wX9^pL1&nB6*yC3(hF5)jD0_sG8+uE2=aQ7~'\n"
        "import json\nMIDDLEWARE = [json.loads('x')]\n");
    const std::vector<Finding> blind = of_rule(result, "DPL005");
    REQUIRE(blind.size() == 1);
    CHECK(blind[0].setting == std::optional<std::string>("MIDDLEWARE"));
    CHECK(blind[0].message.find("DJ001") != std::string::npos);
    CHECK(of_rule(result, "DJ001").empty());  // still never guessed
  }

  TEST_CASE("blind spots: deployctl's own rules report what they could not see too") {
    SUBCASE("ALLOWED_HOSTS from code the analysis does not follow: the HOST rules") {
      const CheckResult result =
          check_source(production_base + "import json\nALLOWED_HOSTS = json.load(open('/etc/hosts.json'))\n");
      const std::vector<Finding> blind = of_rule(result, "DPL005");
      REQUIRE(blind.size() == 1);
      CHECK(blind[0].setting == std::optional<std::string>("ALLOWED_HOSTS"));
      CHECK(blind[0].message.find("HOST001") != std::string::npos);
      CHECK(blind[0].message.find("HOST002") != std::string::npos);
      CHECK(text_report(result).find("All checks passed") == std::string::npos);
    }
    SUBCASE("a list of hosts with one the analysis cannot know") {
      const CheckResult result = check_source(production_base + "import json\nALLOWED_HOSTS = [json.loads('x')]\n");
      CHECK(result.summary.unknown_settings == std::vector<std::string>{"ALLOWED_HOSTS"});
    }
    SUBCASE("LOGGING: the LOG rules") {
      const CheckResult result = check_source(production_base + "import json\nLOGGING = json.loads('x')\n");
      const std::vector<Finding> blind = of_rule(result, "DPL005");
      REQUIRE(blind.size() == 1);
      CHECK(blind[0].message.find("LOG001") != std::string::npos);
    }
    SUBCASE("DATABASES and a SECRET_KEY computed by code the analysis does not follow") {
      const CheckResult result = check_source(
          "import json\nDEBUG = False\nALLOWED_HOSTS = ['example.com']\nSECRET_KEY = json.loads('k')\n"
          "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'PASSWORD': json.loads('p')}}\n");
      CHECK(std::ranges::find(result.summary.unknown_settings, "DATABASES") != result.summary.unknown_settings.end());
      const std::vector<Finding> blind = of_rule(result, "DPL005");
      const auto key = std::ranges::find_if(
          blind, [](const Finding& f) { return f.setting == std::optional<std::string>("SECRET_KEY"); });
      REQUIRE(key != blind.end());
      CHECK(key->message.find("SK001") != std::string::npos);
    }
    SUBCASE("bool() of something unknown is still a bool: the TYPE rules decide, DJ018 cannot") {
      const CheckResult result = check_source(production_base + "import json\nDEBUG = bool(json.loads('x'))\n");
      const std::vector<Finding> blind = of_rule(result, "DPL005");
      REQUIRE(blind.size() == 1);
      CHECK(blind[0].message.find("DJ018") != std::string::npos);
      CHECK(blind[0].message.find("TYPE001") == std::string::npos);
    }
    SUBCASE("a star import from code it cannot see: a setting never assigned may be set there") {
      const CheckResult result = check_source(production_base + "from somewhere_unseen import *\n");
      CHECK(std::ranges::find(result.summary.unknown_settings, "LOGGING") != result.summary.unknown_settings.end());
    }
  }

  TEST_CASE("blind spots: a setting assigned on some paths only is undecided for the rules, not taken as assigned") {
    const CheckResult result = check_source(
        "import json\nDEBUG = False\nALLOWED_HOSTS = ['example.com']\nSECRET_KEY = "
        "'k8#Vq2!mZ7@rT4%wX9^pL1&nB6*yC3(hF5)jD0_sG8+uE2=aQ7~'\n"
        "MIDDLEWARE = ['django.middleware.security.SecurityMiddleware']\n"
        "SECURE_HSTS_SECONDS = 31536000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True\nSECURE_HSTS_PRELOAD = True\n"
        "if json.loads('x'):\n    SECURE_SSL_REDIRECT = True\n");
    CHECK(of_rule(result, "DJ008").empty());
    const std::vector<Finding> blind = of_rule(result, "DPL005");
    REQUIRE(blind.size() == 1);
    CHECK(blind[0].setting == std::optional<std::string>("SECURE_SSL_REDIRECT"));
    CHECK(blind[0].message.find("DJ008") != std::string::npos);
    // True on one path, Django's boolean default on the other: the TYPE rules, which look for strings, decide.
    CHECK(blind[0].message.find("TYPE001") == std::string::npos);
    // A string on one path is no boolean on every path: the TYPE rules cannot decide either.
    const CheckResult text = check_source(production_base +
                                          "import json\nif json.loads('x'):\n"
                                          "    SECURE_SSL_REDIRECT = 'yes'\n");
    const std::vector<Finding> text_blind = of_rule(text, "DPL005");
    REQUIRE(text_blind.size() == 1);
    CHECK(text_blind[0].message.find("TYPE002") != std::string::npos);
  }

  TEST_CASE("blind spots: a value the environment only chose is unknown, not a read of that variable") {
    // The `if` on CONF picked the path; the key comes from code the analysis cannot run, so no rule judged it. So
    // it stays after globals() writes deployctl cannot follow may have replaced it (netbox's loop over the names of
    // its configuration module).
    const std::string chosen =
        "import os\nfrom thirdparty import load\ndef conf():\n    if os.environ.get('CONF'):\n"
        "        return load(os.environ['CONF'])\n    return load('default')\nSECRET_KEY = conf()\n"
        "DEBUG = False\nALLOWED_HOSTS = ['example.com']\n";
    for (const std::string& source : {chosen, chosen + "for name in dir(conf()):\n    globals()[name] = 1\n"}) {
      CAPTURE(source);
      const std::vector<Finding> blind = of_rule(check_source(source), "DPL005");
      const auto key = std::ranges::find_if(
          blind, [](const Finding& f) { return f.setting == std::optional<std::string>("SECRET_KEY"); });
      REQUIRE(key != blind.end());
      CHECK(key->message.find("SK001") != std::string::npos);
      CHECK(key->message.find("environment variable CONF") == std::string::npos);
    }
  }

  TEST_CASE("blind spots: --ignore DPL005 drops the findings, the summary still says what was not checked") {
    RuleFilter filter;
    filter.ignore = {"DPL005"};
    const CheckResult result = check_source(production_base + "import json\nDEBUG = json.loads('x')\n", {}, filter);
    CHECK(result.findings.empty());
    CHECK(text_report(result).starts_with("No problems found.\nNot fully checked: DEBUG"));
  }
}

TEST_SUITE("silenced_checks") {
  TEST_CASE("silenced: findings whose Django check SILENCED_SYSTEM_CHECKS lists are dropped and counted") {
    const CheckResult result = check_source(production_base +
                                            "SECURE_SSL_REDIRECT = False\nCSRF_COOKIE_SECURE = False\n"
                                            "SILENCED_SYSTEM_CHECKS = ['security.W008']\n");
    CHECK(of_rule(result, "DJ008").empty());
    CHECK(of_rule(result, "DJ016").size() == 1);
    REQUIRE(result.silenced.size() == 1);
    CHECK(result.silenced[0].rule == "DJ008");
    CHECK(result.summary.silenced == 1);
    CHECK(text_report(result).find("(1 silenced by SILENCED_SYSTEM_CHECKS)") != std::string::npos);
    const std::string statistics = text_report(result, true);
    CHECK(statistics.find("1  DJ016  [warning]   csrf-cookie-not-secure") != std::string::npos);
    CHECK(statistics.find("1  DJ008  [silenced]  ssl-redirect-disabled") != std::string::npos);
  }

  TEST_CASE("silenced and blind spots: the JSON report lists the silenced findings and the unknown settings") {
    const CheckResult result = check_source(production_base +
                                            "import json\nSECURE_SSL_REDIRECT = False\nDEBUG = json.loads('x')\n"
                                            "SILENCED_SYSTEM_CHECKS = ['security.W008']\n");
    std::ostringstream out;
    const report::Report report{result.findings, result.summary, result.model.files, {}, "", result.silenced};
    report::write_json(out, report, {});
    const auto document = nlohmann::json::parse(out.str());
    REQUIRE(document["silenced"].size() == 1);
    CHECK(document["silenced"][0]["rule"] == "DJ008");
    CHECK(document["silenced"][0]["django_check"] == "security.W008");
    CHECK(document["summary"]["silenced"] == 1);
    CHECK(document["summary"]["unknown_settings"] == nlohmann::json::array({"DEBUG"}));
    for (const auto& finding : document["findings"]) CHECK(finding["rule"] != "DJ008");
  }

  TEST_CASE("silenced: a string is tested with `in` as Django does: substrings match") {
    const CheckResult result =
        check_source(production_base + "SECURE_SSL_REDIRECT = False\nSILENCED_SYSTEM_CHECKS = 'security.W008 W004'\n");
    CHECK(of_rule(result, "DJ008").empty());
    CHECK(result.summary.silenced == 1);
  }

  TEST_CASE("silenced: an unknown SILENCED_SYSTEM_CHECKS keeps the findings and is a blind spot") {
    const CheckResult result = check_source(
        production_base + "import json\nSECURE_SSL_REDIRECT = False\nSILENCED_SYSTEM_CHECKS = json.loads('x')\n");
    CHECK(of_rule(result, "DJ008").size() == 1);
    CHECK(result.summary.silenced == 0);
    CHECK(result.summary.unknown_settings == std::vector<std::string>{"SILENCED_SYSTEM_CHECKS"});
  }

  TEST_CASE("silenced: a list set under an undecidable condition is one of two lists, Django's default on the other") {
    // paperless-ngx: `if os.getenv('PAPERLESS_DBENGINE') == 'mariadb': SILENCED_SYSTEM_CHECKS = ['mysql.W003']`.
    const CheckResult result = check_source(production_base +
                                            "import sys\nSECURE_SSL_REDIRECT = False\nif sys.argv:\n"
                                            "    SILENCED_SYSTEM_CHECKS = ['mysql.W003']\n");
    CHECK(of_rule(result, "DJ008").size() == 1);
    CHECK(result.summary.unknown_settings.empty());
    // Silenced on one path only: still reported, and the blind spot is said.
    const CheckResult maybe = check_source(production_base +
                                           "import sys\nSECURE_SSL_REDIRECT = False\nif sys.argv:\n"
                                           "    SILENCED_SYSTEM_CHECKS = ['security.W008']\n");
    CHECK(of_rule(maybe, "DJ008").size() == 1);
    CHECK(maybe.summary.unknown_settings == std::vector<std::string>{"SILENCED_SYSTEM_CHECKS"});
  }

  TEST_CASE("silenced: rules without a Django check id are never silenced") {
    const CheckResult result = check_source(production_base +
                                            "import os\nDEBUG = os.environ.get('DJANGO_DEBUG', 'True') == 'True'\n"
                                            "SILENCED_SYSTEM_CHECKS = ['DBG001', 'security.W018']\n");
    CHECK(of_rule(result, "DBG001").size() == 1);
    CHECK(of_rule(result, "DJ018").empty());
  }
}
