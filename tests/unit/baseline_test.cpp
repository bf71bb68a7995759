// Baselines: the written document, a round trip through parse, matching after line shifts, new and stale
// entries, and clear errors for files that are not baselines.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "checks/findings/baseline.hpp"
#include "temp_dir.hpp"

using namespace deployctl::checks;

namespace {

Finding at(std::string rule, int line, std::string setting) {
  Finding finding;
  finding.rule = std::move(rule);
  finding.where = {"mysite/settings.py", line, 1, line, 2};
  finding.setting = std::move(setting);
  return finding;
}

std::vector<SourceFile> one_file(std::string text) {
  return {SourceFile{"mysite/settings.py", "mysite.settings", std::move(text)}};
}

Baseline baseline_of(const std::vector<Finding>& findings, const std::vector<SourceFile>& sources) {
  auto parsed = parse_baseline(baseline_text(fingerprint_findings(findings, sources)), "baseline.json");
  REQUIRE(parsed.has_value());
  return *parsed;
}

}  // namespace

TEST_SUITE("baseline") {
  TEST_CASE("baseline: the document records rule, file, setting, snippet and fingerprint, without lines") {
    const auto sources = one_file("DEBUG = True\nALLOWED_HOSTS = ['*']\n");
    const auto findings = std::vector{at("HOST001", 2, "ALLOWED_HOSTS"), at("DJ018", 1, "DEBUG")};
    const auto document = nlohmann::json::parse(baseline_text(fingerprint_findings(findings, sources)));
    CHECK(document["tool"] == "deployctl");
    CHECK(document["baseline"] == 1);
    REQUIRE(document["findings"].size() == 2);
    const auto& first = document["findings"][0];  // sorted by file then rule
    CHECK(first["rule"] == "DJ018");
    CHECK(first["file"] == "mysite/settings.py");
    CHECK(first["setting"] == "DEBUG");
    CHECK(first["snippet"] == "DEBUG = True");
    CHECK(first["occurrence"] == 0);
    CHECK(first["fingerprint"].get<std::string>().size() == 64);
    CHECK_FALSE(first.contains("line"));
  }

  TEST_CASE("baseline: round trip, then a new finding, then a fixed one") {
    const auto sources = one_file("DEBUG = True\nALLOWED_HOSTS = ['*']\n");
    const auto findings = std::vector{at("DJ018", 1, "DEBUG"), at("HOST001", 2, "ALLOWED_HOSTS")};
    const Baseline baseline = baseline_of(findings, sources);
    CHECK(baseline.entries.size() == 2);

    SUBCASE("the same findings, moved down by an edit: nothing new, nothing stale") {
      const auto moved = one_file("import os\n\nDEBUG = True\nALLOWED_HOSTS = ['*']\n");
      const auto result = apply_baseline(baseline, {at("DJ018", 3, "DEBUG"), at("HOST001", 4, "ALLOWED_HOSTS")}, moved);
      CHECK(result.findings.empty());
      CHECK(result.baselined == 2);
      CHECK(result.stale.empty());
    }
    SUBCASE("a new finding is the only one left") {
      const auto grown = one_file("DEBUG = True\nALLOWED_HOSTS = ['*']\nSECURE_SSL_REDIRECT = False\n");
      const auto result = apply_baseline(
          baseline, {at("DJ018", 1, "DEBUG"), at("HOST001", 2, "ALLOWED_HOSTS"), at("DJ008", 3, "SECURE_SSL_REDIRECT")},
          grown);
      REQUIRE(result.findings.size() == 1);
      CHECK(result.findings[0].rule == "DJ008");
      CHECK(result.baselined == 2);
    }
    SUBCASE("a fixed finding leaves a stale entry") {
      const auto fixed = one_file("DEBUG = True\nALLOWED_HOSTS = ['example.com']\n");
      const auto result = apply_baseline(baseline, {at("DJ018", 1, "DEBUG")}, fixed);
      CHECK(result.findings.empty());
      REQUIRE(result.stale.size() == 1);
      CHECK(result.stale[0].rule == "HOST001");
      CHECK(result.stale[0].setting == "ALLOWED_HOSTS");
    }
    SUBCASE("a second copy of a baselined finding is new") {
      const auto twice = one_file("DEBUG = True\nALLOWED_HOSTS = ['*']\nDEBUG = True\n");
      const auto result = apply_baseline(
          baseline, {at("DJ018", 1, "DEBUG"), at("HOST001", 2, "ALLOWED_HOSTS"), at("DJ018", 3, "DEBUG")}, twice);
      REQUIRE(result.findings.size() == 1);
      CHECK(result.findings[0].where.line == 3);
    }
  }

  TEST_CASE("baseline: files that are not baselines are refused with the fix") {
    const auto bad_json = parse_baseline("{", "b.json");
    REQUIRE_FALSE(bad_json.has_value());
    CHECK(bad_json.error().message.starts_with("b.json: not a deployctl baseline: invalid JSON"));
    CHECK(bad_json.error().message.find("--write-baseline b.json") != std::string::npos);

    const auto wrong_shape = parse_baseline(R"({"tool":"deployctl","findings":{}})", "b.json");
    REQUIRE_FALSE(wrong_shape.has_value());
    CHECK(wrong_shape.error().message.find("\"findings\" array") != std::string::npos);

    const auto no_fingerprint =
        parse_baseline(R"({"tool":"deployctl","baseline":1,"findings":[{"rule":"DJ018","file":"a.py"}]})", "b.json");
    REQUIRE_FALSE(no_fingerprint.has_value());
    CHECK(no_fingerprint.error().message.starts_with("b.json: findings[0]: \"fingerprint\" must be a string"));

    const auto future = parse_baseline(R"({"tool":"deployctl","baseline":7,"findings":[]})", "b.json");
    REQUIRE_FALSE(future.has_value());
    CHECK(future.error().message.find("unsupported baseline format 7") != std::string::npos);
  }

  TEST_CASE("baseline: written atomically and read back from disk") {
    const deployctl::testing::TempDir scratch;
    const auto& dir = scratch.root();
    const auto file = dir / "baseline.json";
    const auto sources = one_file("DEBUG = True\n");
    REQUIRE(write_baseline(file, std::vector{at("DJ018", 1, "DEBUG")}, sources).has_value());
    const auto read = read_baseline(file);
    REQUIRE(read.has_value());
    REQUIRE(read->entries.size() == 1);
    CHECK(read->entries[0].snippet == "DEBUG = True");
    CHECK_FALSE(read_baseline(dir / "missing.json").has_value());
  }
}
