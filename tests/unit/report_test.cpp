// The reporters on hand-made findings: text layout, carets (tabs, multi-byte and wide characters), colour,
// masking of secrets, summary lines; and the exact JSON document.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "checks/report/report.hpp"
#include "core/version.hpp"

using namespace deployctl::checks;
using namespace deployctl::checks::report;

namespace {

Finding make_finding(std::string rule, Severity severity, std::string message, SourceSpan where, std::string fix = "") {
  Finding finding;
  finding.rule = std::move(rule);
  finding.severity = severity;
  finding.message = std::move(message);
  finding.where = std::move(where);
  finding.fix = std::move(fix);
  return finding;
}

std::string render(Writer write, const std::vector<Finding>& findings, const std::vector<SourceFile>& sources,
                   bool color = false, int suppressed = 0) {
  std::ostringstream out;
  const Report report{findings, Summary::of(findings, suppressed), sources, {}};
  write(out, report, ReportOptions{color});
  return out.str();
}

std::vector<SourceFile> source(std::string text, std::string path = "mysite/settings.py") {
  return {SourceFile{std::move(path), "mysite.settings", std::move(text)}};
}

// The caret line of a text report with one finding and a snippet: its fourth line.
std::string caret_line(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  for (int i = 0; i < 4; ++i) std::getline(lines, line);
  return line;
}

}  // namespace

TEST_SUITE("report_text") {
  TEST_CASE("report: header, source line, carets under the span, help, summary") {
    const auto findings = std::vector{make_finding("DJ018", Severity::warning, "DEBUG is on",
                                                   {"mysite/settings.py", 3, 9, 3, 13}, "Set DEBUG = False.")};
    CHECK(render(write_text, findings, source("import os\n\nDEBUG = True\n")) ==
          "mysite/settings.py:3:9: DJ018 [warning] DEBUG is on\n"
          "  |\n"
          "3 | DEBUG = True\n"
          "  |         ^^^^\n"
          "  |\n"
          "  = help: Set DEBUG = False.\n"
          "\n"
          "Found 1 warning.\n");
  }

  TEST_CASE("report: the gutter grows with the line number, a span running past the line ends at its end") {
    std::string text;
    for (int i = 1; i < 120; ++i) text += "\n";
    text += "DATABASES = {\n    'default': {},\n}\n";
    const auto findings =
        std::vector{make_finding("DB001", Severity::error, "m", {"mysite/settings.py", 120, 1, 122, 2})};
    const std::string out = render(write_text, findings, source(text));
    CHECK(out.find("    |\n120 | DATABASES = {\n    | ^^^^^^^^^^^^^\n") != std::string::npos);
  }

  TEST_CASE("report: carets count code points and terminal columns, not bytes") {
    // é is 2 bytes and 1 column; 日 and 本 are 3 bytes and 2 columns each.
    const auto findings =
        std::vector{make_finding("DJ018", Severity::warning, "m", {"mysite/settings.py", 1, 20, 1, 24})};
    const std::string out = render(write_text, findings, source("A = \"é日本\"; DEBUG = True\n"));
    CHECK(caret_line(out) == "  | " + std::string(21, ' ') + "^^^^");
  }

  TEST_CASE("report: tabs are shown as four spaces and the carets follow") {
    const auto findings =
        std::vector{make_finding("DJ018", Severity::warning, "m", {"mysite/settings.py", 1, 10, 1, 14})};
    const std::string out = render(write_text, findings, source("\tDEBUG = True\n"));
    CHECK(out.find("1 |     DEBUG = True\n") != std::string::npos);
    CHECK(caret_line(out) == "  | " + std::string(12, ' ') + "^^^^");
  }

  TEST_CASE("report: a long line is clipped to a window around the carets, with ellipses where it was cut") {
    const std::string ellipsis = "\u2026";
    const auto near_end = std::vector{make_finding("DJ018", Severity::warning, "m", {"f.py", 1, 204, 1, 208})};
    const std::string out = render(write_text, near_end, source(std::string(200, 'x') + " = True\n", "f.py"));
    CHECK(out.find("1 | " + ellipsis + std::string(27, 'x') + " = True\n") != std::string::npos);
    CHECK(caret_line(out) == "  | " + std::string(31, ' ') + "^^^^");

    const auto wide_span = std::vector{make_finding("DJ018", Severity::warning, "m", {"f.py", 1, 1, 1, 400})};
    const std::string cut = render(write_text, wide_span, source(std::string(500, 'y') + "\n", "f.py"));
    CHECK(cut.find("1 | " + std::string(120, 'y') + ellipsis + "\n") != std::string::npos);
    CHECK(caret_line(cut) == "  | " + std::string(121, '^'));
  }

  TEST_CASE("report: a finding without an end gets one caret, one past the line's end too") {
    const auto one = std::vector{make_finding("DJ018", Severity::info, "m", {"mysite/settings.py", 1, 3, 0, 0})};
    CHECK(caret_line(render(write_text, one, source("A = 1\n"))) == "  |   ^");
    const auto past = std::vector{make_finding("DJ018", Severity::info, "m", {"mysite/settings.py", 1, 6, 1, 6})};
    CHECK(caret_line(render(write_text, past, source("A = 1\n"))) == "  |      ^");
  }

  TEST_CASE("report: string literals are masked for secret findings, and the carets cover the mask") {
    auto finding = make_finding("SK001", Severity::error, "SECRET_KEY is a literal",
                                {"mysite/settings.py", 1, 14, 1, 35}, "Read it from the environment.");
    finding.concerns_secret = true;
    const std::string out = render(write_text, {finding}, source("SECRET_KEY = \"hunter2-very-secret\"\n"));
    CHECK(out.find("hunter2") == std::string::npos);
    CHECK(out.find("1 | SECRET_KEY = \"****\"\n") != std::string::npos);
    CHECK(caret_line(out) == "  | " + std::string(13, ' ') + "^^^^^^");
  }

  TEST_CASE("report: lines naming a credential are masked whatever the rule, others are shown as written") {
    const auto findings = std::vector{
        make_finding("X001", Severity::info, "m", {"mysite/settings.py", 1, 1, 1, 5}),
        make_finding("X002", Severity::info, "m", {"mysite/settings.py", 2, 1, 1, 5}),
        make_finding("X003", Severity::info, "m", {"mysite/settings.py", 3, 1, 1, 5}),
        make_finding("X004", Severity::info, "m", {"mysite/settings.py", 4, 1, 1, 5}),
    };
    const std::string out = render(write_text, findings,
                                   source("DB = 'postgres://app:s3cr3t@db/app'\n"
                                          "'''multi\nline''' ; EMAIL_HOST_PASSWORD = 'pw'\n"
                                          "ALLOWED_HOSTS = ['example.com']\n"));
    CHECK(out.find("s3cr3t") == std::string::npos);
    CHECK(out.find("1 | DB = '****'\n") != std::string::npos);
    CHECK(out.find("3 | ****''' ; EMAIL_HOST_PASSWORD = '****'\n") != std::string::npos);
    CHECK(out.find("4 | ALLOWED_HOSTS = ['example.com']\n") != std::string::npos);
  }

  TEST_CASE("report: no snippet when the source or the line is unknown, the location shrinks to what is known") {
    const auto findings = std::vector{
        make_finding("DPL001", Severity::error, "cannot read", {"mysite/missing.py", 0, 0, 0, 0}, "Fix it."),
        make_finding("DJ018", Severity::warning, "m", {"mysite/settings.py", 7, 0, 0, 0}),
        make_finding("ENV001", Severity::info, "no file", {"", 0, 0, 0, 0}),
    };
    CHECK(render(write_text, findings, source("A = 1\n")) ==
          "mysite/missing.py: DPL001 [error] cannot read\n"
          "  = help: Fix it.\n"
          "\n"
          "mysite/settings.py:7: DJ018 [warning] m\n"
          "\n"
          "ENV001 [info] no file\n"
          "\n"
          "Found 1 error, 1 warning, 1 info.\n");
  }

  TEST_CASE("report: summary lines") {
    const auto at = [](Severity severity) { return make_finding("R1", severity, "m", {"f.py", 1, 1, 0, 0}); };
    const auto last_line = [](const std::string& text) {
      const auto end = text.rfind('\n', text.size() - 2);
      return text.substr(end == std::string::npos ? 0 : end + 1);
    };
    CHECK(render(write_text, {}, {}) == "All checks passed.\n");
    CHECK(render(write_text, {}, {}, false, 2) == "All checks passed (2 suppressed).\n");
    CHECK(last_line(render(write_text, {at(Severity::error), at(Severity::error), at(Severity::info)}, {})) ==
          "Found 2 errors, 1 info.\n");
    CHECK(last_line(render(write_text, {at(Severity::warning), at(Severity::warning)}, {}, false, 1)) ==
          "Found 2 warnings (1 suppressed).\n");
  }

  TEST_CASE("report: colour paints location, rule, severity, carets, plain text has no escape at all") {
    const auto findings = std::vector{
        make_finding("DJ018", Severity::error, "DEBUG is on", {"mysite/settings.py", 1, 9, 1, 13}, "Set it off.")};
    const std::string colored = render(write_text, findings, source("DEBUG = True\n"), true);
    CHECK(
        colored.starts_with("\x1b[1mmysite/settings.py:1:9\x1b[0m: \x1b[1;31mDJ018\x1b[0m \x1b[1;31m[error]\x1b[0m "
                            "DEBUG is on\n"));
    CHECK(colored.find("\x1b[1;31m^^^^\x1b[0m") != std::string::npos);
    const std::string plain = render(write_text, findings, source("DEBUG = True\n"), false);
    CHECK(plain.find('\x1b') == std::string::npos);
  }

  TEST_CASE("report: colour only on a terminal and without NO_COLOR") {
    CHECK(use_color(true, nullptr));
    CHECK(use_color(true, ""));
    CHECK_FALSE(use_color(true, "1"));
    CHECK_FALSE(use_color(false, nullptr));
  }

  TEST_CASE("report: control characters from project files never reach the terminal") {
    const auto findings =
        std::vector{make_finding("DJ018", Severity::warning, "bad \x1b[2J value", {"mysite/settings.py", 1, 1, 1, 2})};
    const std::string out = render(write_text, findings, source("A = '\x1b]0;title\x07'\n"));
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
  }

  TEST_CASE("report: paths are printed under the project dir as given") {
    const auto findings =
        std::vector{make_finding("DJ018", Severity::warning, "m", {"mysite/settings.py", 1, 1, 0, 0})};
    std::ostringstream out;
    write_text(out, Report{findings, Summary::of(findings), {}, "/nonexistent/project"}, {});
    CHECK(out.str().starts_with("/nonexistent/project/mysite/settings.py:1:1: DJ018"));
  }
}

TEST_SUITE("report_json") {
  TEST_CASE("report: the JSON document, key order and nulls exactly as documented") {
    auto with_setting = make_finding("DJ018", Severity::warning, "DEBUG is on", {"mysite/settings.py", 3, 9, 3, 13});
    with_setting.setting = "DEBUG";
    with_setting.django_check = "security.W018";
    const auto bare = make_finding("DPL004", Severity::info, "say \"hi\"", {"a.py", 1, 2, 0, 0});
    const std::string expected =
        std::string(R"({"tool":"deployctl","version":")") + deployctl::version +
        R"(","findings":[{"rule":"DJ018","severity":"warning","message":"DEBUG is on","file":"mysite/settings.py",)"
        R"("line":3,"column":9,"setting":"DEBUG","django_check":"security.W018"},)"
        R"({"rule":"DPL004","severity":"info","message":"say \"hi\"","file":"a.py","line":1,"column":2,)"
        R"("setting":null,"django_check":null}],"silenced":[],"summary":{"error":0,"warning":1,"info":1,"suppressed":0,)"
        R"("baselined":0,"silenced":0,"unknown_settings":[]}})"
        "\n";
    CHECK(render(write_json, {with_setting, bare}, {}) == expected);
  }

  TEST_CASE("report: JSON with no findings, and invalid UTF-8 replaced rather than failing") {
    CHECK(render(write_json, {}, {}) ==
          std::string(R"({"tool":"deployctl","version":")") + deployctl::version +
              R"(","findings":[],"silenced":[],"summary":{"error":0,"warning":0,"info":0,"suppressed":0,)"
              R"("baselined":0,"silenced":0,"unknown_settings":[]}})"
              "\n");
    const auto odd = make_finding("R1", Severity::error, "bad \xff byte", {"f.py", 1, 1, 0, 0});
    const auto parsed = nlohmann::json::parse(render(write_json, {odd}, {}));
    CHECK(parsed["findings"][0]["message"] == "bad \xEF\xBF\xBD byte");
    CHECK(parsed["summary"]["error"] == 1);
  }

  TEST_CASE("report: the format table knows text and json") {
    CHECK(find_format("text") != nullptr);
    CHECK(find_format("json") != nullptr);
    CHECK(find_format("xml") == nullptr);
    CHECK(format_names() == std::vector<std::string>{"text", "json", "sarif", "github", "gitlab", "junit"});
  }
}
