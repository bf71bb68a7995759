// The sarif reporter on a fixed report: document shape, rule metadata from the registry, the exact result
// object, repository-relative URIs, stable fingerprints, and no secret in the output.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "checks/report/report.hpp"
#include "checks/rules/registry.hpp"
#include "core/version.hpp"

using namespace deployctl::checks;
using namespace deployctl::checks::report;
using Json = nlohmann::json;

namespace {

Finding debug_finding(int line) {
  Finding finding;
  finding.rule = "DJ018";
  finding.severity = Severity::warning;
  finding.message = "DEBUG is True: error pages show tracebacks";
  finding.where = {"mysite/settings.py", line, 9, line, 13};
  finding.setting = "DEBUG";
  finding.django_check = "security.W018";
  finding.fix = "Set DEBUG = False.";
  return finding;
}

Json sarif(const std::vector<Finding>& findings, const std::vector<SourceFile>& sources,
           std::string repository_path = "") {
  std::ostringstream out;
  const Report report{findings, Summary::of(findings), sources, {}, std::move(repository_path)};
  write_sarif(out, report, {});
  return Json::parse(out.str());
}

std::vector<SourceFile> settings_file(std::string text) {
  return {SourceFile{"mysite/settings.py", "mysite.settings", std::move(text)}};
}

}  // namespace

TEST_SUITE("report_sarif") {
  TEST_CASE("sarif: schema, version and the tool with every registered rule") {
    const Json document = sarif({}, {});
    CHECK(document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
    CHECK(document["version"] == "2.1.0");
    REQUIRE(document["runs"].size() == 1);
    const Json& driver = document["runs"][0]["tool"]["driver"];
    CHECK(driver["name"] == "deployctl");
    CHECK(driver["version"] == deployctl::version);
    CHECK(driver["informationUri"] == std::string(project_url));
    CHECK(driver["rules"].size() == rules::all_rules().size());
    CHECK(document["runs"][0]["results"] == Json::array());
    CHECK(document["runs"][0]["columnKind"] == "unicodeCodePoints");
    CHECK(document["runs"][0]["originalUriBaseIds"].contains("%SRCROOT%"));
  }

  TEST_CASE("sarif: a rule descriptor carries the registry's metadata") {
    const Json document = sarif({}, {});
    const Json& rules_json = document["runs"][0]["tool"]["driver"]["rules"];
    const auto dj018 =
        std::find_if(rules_json.begin(), rules_json.end(), [](const Json& r) { return r["id"] == "DJ018"; });
    REQUIRE(dj018 != rules_json.end());
    const rules::RuleInfo& info = rules::find_rule("DJ018")->info;
    CHECK((*dj018)["name"] == "DebugEnabled");
    CHECK((*dj018)["shortDescription"]["text"] == std::string(info.summary) + ".");
    CHECK((*dj018)["fullDescription"]["text"] == std::string(info.rationale));
    CHECK((*dj018)["helpUri"] == std::string(project_url) + "/blob/main/share/docs/rules.md#dj018-debug-enabled");
    CHECK((*dj018)["help"]["text"].get<std::string>().starts_with(std::string(info.fix)));
    CHECK((*dj018)["help"]["markdown"].get<std::string>().find("(" + (*dj018)["helpUri"].get<std::string>() + ")") !=
          std::string::npos);
    CHECK((*dj018)["defaultConfiguration"]["level"] == "warning");
    CHECK((*dj018)["properties"]["tags"] == Json::array({"deploy-readiness", "django-check", "security"}));
  }

  TEST_CASE("sarif: every helpUri anchor is a section of share/docs/rules.md") {
    std::ifstream file(DEPLOYCTL_SOURCE_DIR "/share/docs/rules.md");
    std::stringstream docs;
    docs << file.rdbuf();
    REQUIRE_FALSE(docs.str().empty());
    const Json document = sarif({}, {});
    for (const Json& rule : document["runs"][0]["tool"]["driver"]["rules"]) {
      const std::string uri = rule["helpUri"];
      const std::string anchor = uri.substr(uri.find('#'));
      CAPTURE(uri);
      CHECK(docs.str().find("](" + anchor + ")") != std::string::npos);
    }
  }

  TEST_CASE("sarif: the result object") {
    const Json document = sarif({debug_finding(3)}, settings_file("import os\n\nDEBUG = True\n"), "app/");
    const Json& result = document["runs"][0]["results"][0];
    const auto& registry = rules::all_rules();
    const auto index =
        std::find_if(registry.begin(), registry.end(), [](const rules::Rule& r) { return r.info.id == "DJ018"; }) -
        registry.begin();
    const Json expected = {
        {"ruleId", "DJ018"},
        {"ruleIndex", index},
        {"level", "warning"},
        {"message", {{"text", "DEBUG is True: error pages show tracebacks."}}},
        {"locations",
         {{{"physicalLocation",
            {{"artifactLocation", {{"uri", "app/mysite/settings.py"}, {"uriBaseId", "%SRCROOT%"}}},
             {"region", {{"startLine", 3}, {"startColumn", 9}, {"endLine", 3}, {"endColumn", 13}}}}}}}},
        {"partialFingerprints",
         {{"deployctlFingerprint/v1", result["partialFingerprints"]["deployctlFingerprint/v1"]}}},
        {"properties", {{"setting", "DEBUG"}, {"djangoCheck", "security.W018"}}},
    };
    CHECK(result == expected);
    CHECK(result["partialFingerprints"]["deployctlFingerprint/v1"].get<std::string>().size() == 64);
  }

  TEST_CASE("sarif: levels, unknown ends, odd paths and findings without a file") {
    Finding info = debug_finding(2);
    info.severity = Severity::info;
    info.where = {"my site/settings #1.py", 2, 5, 0, 0};
    Finding nowhere = debug_finding(0);
    nowhere.severity = Severity::error;
    nowhere.where = {};
    const Json results = sarif({info, nowhere}, {})["runs"][0]["results"];
    CHECK(results[0]["level"] == "note");
    const Json& physical = results[0]["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"]["uri"] == "my%20site/settings%20%231.py");
    CHECK(physical["region"] == Json{{"startLine", 2}, {"startColumn", 5}, {"endLine", 2}, {"endColumn", 6}});
    CHECK(results[1]["level"] == "error");
    CHECK(results[1]["locations"] == Json::array());
  }

  TEST_CASE("sarif: a finding about a whole file (a setting never assigned) covers the file, not line 1") {
    Finding unset = debug_finding(1);
    unset.where = {"mysite/settings.py", 1, 1, 0, 0, true};
    const Json document = sarif({unset}, settings_file("import os\n\nDEBUG = False\n"));
    const Json& physical = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"]["uri"] == "mysite/settings.py");
    CHECK(physical["region"] == Json{{"startLine", 1}, {"endLine", 3}});
    // Without the file's text (a file only git knows) there is no region at all.
    CHECK_FALSE(sarif({unset}, {})["runs"][0]["results"][0]["locations"][0]["physicalLocation"].contains("region"));
  }

  TEST_CASE("sarif: the fingerprint survives a line shift") {
    const Json before = sarif({debug_finding(3)}, settings_file("import os\n\nDEBUG = True\n"));
    const Json after = sarif({debug_finding(5)}, settings_file("import os\n\nX = 1\nY = 2\nDEBUG = True\n"));
    CHECK(before["runs"][0]["results"][0]["partialFingerprints"] ==
          after["runs"][0]["results"][0]["partialFingerprints"]);
  }

  TEST_CASE("sarif: a secret in the source never appears") {
    Finding secret;
    secret.rule = "SK001";
    secret.severity = Severity::error;
    secret.message = "SECRET_KEY is written in the settings";
    secret.where = {"mysite/settings.py", 1, 14, 1, 35};
    secret.setting = "SECRET_KEY";
    secret.concerns_secret = true;
    std::ostringstream out;
    const std::vector<Finding> findings = {secret};
    const auto sources = settings_file("SECRET_KEY = 'hunter2-do-not-print'\n");
    write_sarif(out, Report{findings, Summary::of(findings), sources, {}, ""}, {});
    CHECK(out.str().find("hunter2") == std::string::npos);
  }
}
