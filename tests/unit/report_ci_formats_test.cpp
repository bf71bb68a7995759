// The github, gitlab and junit reporters, --statistics, --quiet and --no-show-source on a fixed report, each
// against its exact expected output; plus the format table and the repository root lookup.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <sstream>

#include "checks/report/report.hpp"
#include "temp_dir.hpp"

using namespace deployctl::checks;
using namespace deployctl::checks::report;

namespace {

Finding make(std::string rule, Severity severity, std::string message, SourceSpan where, std::string fix = "") {
  Finding finding;
  finding.rule = std::move(rule);
  finding.severity = severity;
  finding.message = std::move(message);
  finding.where = std::move(where);
  finding.fix = std::move(fix);
  return finding;
}

// Three findings in two files, one rule twice in the same file.
std::vector<Finding> sample() {
  return {
      make("DJ018", Severity::warning, "DEBUG is on", {"mysite/settings.py", 3, 9, 3, 13}, "Set DEBUG = False."),
      make("SK001", Severity::error, "SECRET_KEY is written in the settings", {"mysite/settings.py", 5, 14, 5, 30}),
      make("DJ018", Severity::warning, "DEBUG is on, again", {"mysite/settings.py", 7, 1, 0, 0}),
      make("HOST001", Severity::info, "ALLOWED_HOSTS has '*' <all>", {"mysite/local.py", 1, 17, 1, 22}),
  };
}

std::string render(Writer write, const std::vector<Finding>& findings, ReportOptions options = {},
                   std::string repository_path = "") {
  std::ostringstream out;
  const Report report{findings, Summary::of(findings), {}, {}, std::move(repository_path)};
  write(out, report, options);
  return out.str();
}

}  // namespace

TEST_SUITE("report_ci_github") {
  TEST_CASE("github: one workflow command per finding, levels mapped") {
    CHECK(render(write_github, sample(), {}, "app/") ==
          "::warning file=app/mysite/settings.py,line=3,col=9,endLine=3,endColumn=13,title=DJ018::DEBUG is on%0Ahelp: "
          "Set DEBUG = False.\n"
          "::error file=app/mysite/settings.py,line=5,col=14,endLine=5,endColumn=30,title=SK001::SECRET_KEY is written "
          "in the settings\n"
          "::warning file=app/mysite/settings.py,line=7,col=1,title=DJ018::DEBUG is on, again\n"
          "::notice file=app/mysite/local.py,line=1,col=17,endLine=1,endColumn=22,title=HOST001::ALLOWED_HOSTS has '*' "
          "<all>\n");
  }

  TEST_CASE("github: escaping of % CR LF in messages and also : and , in properties") {
    const auto findings =
        std::vector{make("DJ018", Severity::warning, "100% on\r\nnext: a, b", {"odd,name:x%.py", 1, 1, 0, 0})};
    CHECK(render(write_github, findings) ==
          "::warning file=odd%2Cname%3Ax%25.py,line=1,col=1,title=DJ018::100%25 on%0D%0Anext: a, b\n");
  }

  TEST_CASE("github: a finding about a whole file (a setting never assigned) is a file annotation, not line 1") {
    CHECK(render(write_github, {make("DJ004", Severity::warning, "SECURE_HSTS_SECONDS is not set",
                                     {"mysite/settings.py", 1, 1, 0, 0, true})}) ==
          "::warning file=mysite/settings.py,title=DJ004::SECURE_HSTS_SECONDS is not set\n");
  }

  TEST_CASE("github: a finding without a file has only a title") {
    CHECK(render(write_github, {make("DPL003", Severity::error, "cannot read", {})}) ==
          "::error title=DPL003::cannot read\n");
  }
}

TEST_SUITE("report_ci_gitlab") {
  TEST_CASE("gitlab: the Code Quality document") {
    const auto document = nlohmann::json::parse(render(write_gitlab, sample(), {}, "app/"));
    REQUIRE(document.size() == 4);
    const auto& first = document[0];
    CHECK(first == nlohmann::json{{"description", "DJ018: DEBUG is on"},
                                  {"check_name", "DJ018"},
                                  {"fingerprint", first["fingerprint"]},
                                  {"severity", "major"},
                                  {"location", {{"path", "app/mysite/settings.py"}, {"lines", {{"begin", 3}}}}}});
    CHECK(document[1]["severity"] == "critical");
    CHECK(document[3]["severity"] == "info");
    for (const auto& issue : document) {
      const std::string fingerprint = issue["fingerprint"];
      CHECK(fingerprint.size() == 32);
      CHECK(fingerprint.find_first_not_of("0123456789abcdef") == std::string::npos);
    }
    // Unique, also for the two DJ018 findings in one file.
    std::set<std::string> fingerprints;
    for (const auto& issue : document) fingerprints.insert(issue["fingerprint"].get<std::string>());
    CHECK(fingerprints.size() == 4);
  }

  TEST_CASE("gitlab: stable fingerprints across runs, an empty array when clean") {
    CHECK(render(write_gitlab, sample()) == render(write_gitlab, sample()));
    CHECK(render(write_gitlab, {}) == "[]\n");
  }
}

TEST_SUITE("report_ci_junit") {
  TEST_CASE("junit: a suite per file, a case per rule, a failure per finding, escaped") {
    CHECK(
        render(write_junit, sample()) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"deployctl\" tests=\"3\" failures=\"3\" errors=\"0\">\n"
        "  <testsuite name=\"mysite/settings.py\" tests=\"2\" failures=\"2\" errors=\"0\" skipped=\"0\">\n"
        "    <testcase name=\"DJ018\" classname=\"mysite/settings.py\">\n"
        "      <failure message=\"DEBUG is on\" type=\"warning\">mysite/settings.py:3:9: DJ018 [warning] DEBUG is "
        "on&#10;help: Set DEBUG = False.</failure>\n"
        "      <failure message=\"DEBUG is on, again\" type=\"warning\">mysite/settings.py:7:1: DJ018 [warning] DEBUG "
        "is on, again</failure>\n"
        "    </testcase>\n"
        "    <testcase name=\"SK001\" classname=\"mysite/settings.py\">\n"
        "      <failure message=\"SECRET_KEY is written in the settings\" type=\"error\">mysite/settings.py:5:14: "
        "SK001 "
        "[error] SECRET_KEY is written in the settings</failure>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "  <testsuite name=\"mysite/local.py\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\">\n"
        "    <testcase name=\"HOST001\" classname=\"mysite/local.py\">\n"
        "      <failure message=\"ALLOWED_HOSTS has &apos;*&apos; &lt;all&gt;\" type=\"info\">mysite/local.py:1:17: "
        "HOST001 [info] ALLOWED_HOSTS has &apos;*&apos; &lt;all&gt;</failure>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
  }

  TEST_CASE("junit: a finding about a whole file names the file without a line") {
    const std::string xml = render(write_junit, {make("DJ004", Severity::warning, "SECURE_HSTS_SECONDS is not set",
                                                      {"mysite/settings.py", 1, 1, 0, 0, true})});
    CHECK(xml.find(">mysite/settings.py: DJ004 [warning]") != std::string::npos);
    CHECK(xml.find("settings.py:1") == std::string::npos);
  }

  TEST_CASE("junit: a clean run is an empty testsuites element") {
    CHECK(render(write_junit, {}) ==
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<testsuites name=\"deployctl\" tests=\"0\" failures=\"0\" errors=\"0\">\n"
          "</testsuites>\n");
  }

  TEST_CASE("junit: control characters cannot break the XML") {
    const std::string out =
        render(write_junit, {make("DJ018", Severity::warning, "bell\x07 & \"quote\"", {"a.py", 1, 1, 0, 0})});
    CHECK(out.find("bell\xEF\xBF\xBD &amp; &quot;quote&quot;") != std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
  }
}

TEST_SUITE("report_ci_switches") {
  TEST_CASE("statistics: counts per rule, most frequent first") {
    CHECK(render(write_statistics, sample()) ==
          "2  DJ018    [warning]  debug-enabled\n"
          "1  HOST001  [info]     allowed-hosts-wildcard\n"
          "1  SK001    [error]    secret-key-literal\n");
  }

  TEST_CASE("text: --statistics replaces the findings, the summary stays") {
    ReportOptions options;
    options.statistics = true;
    const std::string out = render(write_text, sample(), options);
    CHECK(out.starts_with("2  DJ018    [warning]  debug-enabled\n"));
    CHECK(out.find("DEBUG is on") == std::string::npos);
    CHECK(out.ends_with("\nFound 1 error, 2 warnings, 1 info.\n"));
  }

  TEST_CASE("text: --quiet drops the summary line, so a clean run prints nothing") {
    ReportOptions options;
    options.quiet = true;
    CHECK(render(write_text, {}, options).empty());
    CHECK(render(write_text, sample(), options).find("Found") == std::string::npos);
  }

  TEST_CASE("text: --no-show-source keeps the header and help lines only") {
    const std::vector<SourceFile> sources = {{"mysite/settings.py", "mysite.settings", "\n\nDEBUG = True\n"}};
    const auto findings = std::vector{sample()[0]};
    std::ostringstream shown;
    std::ostringstream hidden;
    ReportOptions options;
    write_text(shown, Report{findings, Summary::of(findings), sources, {}, ""}, options);
    options.show_source = false;
    write_text(hidden, Report{findings, Summary::of(findings), sources, {}, ""}, options);
    CHECK(shown.str().find("3 | DEBUG = True") != std::string::npos);
    CHECK(hidden.str() ==
          "mysite/settings.py:3:9: DJ018 [warning] DEBUG is on\n"
          "  = help: Set DEBUG = False.\n"
          "\n"
          "Found 1 warning.\n");
  }

  TEST_CASE("formats: the table lists every reporter once") {
    CHECK(format_names() == std::vector<std::string>{"text", "json", "sarif", "github", "gitlab", "junit"});
    CHECK((find_format("sarif")->write == &write_sarif));
    CHECK(find_format("SARIF") == nullptr);
  }

  TEST_CASE("repository root: found by walking up to .git, else the project dir itself") {
    namespace fs = std::filesystem;
    const deployctl::testing::TempDir scratch;
    const fs::path& root = scratch.root();
    fs::create_directories(root / "repo" / ".git");
    fs::create_directories(root / "repo" / "src" / "app");
    fs::create_directories(root / "plain");
    CHECK(repository_path_of(root / "repo" / "src" / "app") == "src/app/");
    CHECK(repository_path_of(root / "repo") == "");
    CHECK(repository_path_of(root / "plain") == "");
  }
}
