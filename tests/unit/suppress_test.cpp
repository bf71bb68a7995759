// Suppression comments: the line scanner under them, parsing `# deployctl: ignore[...]`, matching findings by
// file and line (or statement start), and DPL004 for unused, unknown and malformed suppressions.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "checks/findings/source_lines.hpp"
#include "checks/rules/suppressions.hpp"

using namespace deployctl::checks;

namespace {

Finding finding_at(std::string rule, int line, std::string file = "app/settings.py") {
  Finding finding;
  finding.rule = std::move(rule);
  finding.severity = Severity::warning;
  finding.message = "something";
  finding.where = SourceSpan{std::move(file), line, 1, line, 2};
  return finding;
}

const std::vector<std::string> known = {"DJ018", "SK001", "SK002", "DPL004"};

RuleSelection all_enabled() {
  return RuleSelection{known, [](std::string_view) { return true; }};
}

std::vector<SourceFile> one_file(std::string text) {
  return {SourceFile{"app/settings.py", "app.settings", std::move(text)}};
}

std::string substring(std::string_view line, ByteRange range) {
  return std::string(line.substr(range.begin, range.end - range.begin));
}

// The parts secret_candidate_ranges masks in a one-line source.
std::vector<std::string> masked_parts(std::string_view source) {
  const auto lines = scan_source_lines(source);
  REQUIRE(lines.size() == 1);
  std::vector<std::string> masked;
  for (const ByteRange& range : secret_candidate_ranges(lines[0])) masked.push_back(substring(lines[0].text, range));
  return masked;
}

}  // namespace

TEST_SUITE("suppress_source_lines") {
  TEST_CASE("suppress: a '#' inside a string is not a comment, the one after it is") {
    const auto lines = scan_source_lines("URL = 'http://x/#frag'  # real comment\n");
    REQUIRE(lines.size() == 1);
    REQUIRE(lines[0].comment.has_value());
    CHECK(lines[0].text.substr(*lines[0].comment) == "# real comment");
    REQUIRE(lines[0].string_contents.size() == 1);
    CHECK(substring(lines[0].text, lines[0].string_contents[0]) == "http://x/#frag");
  }

  TEST_CASE("suppress: escaped quotes, prefixes and both quote kinds") {
    const auto lines = scan_source_lines(R"(A = rb'it\'s' + f"x{y}" + "")"
                                         "\n");
    REQUIRE(lines.size() == 1);
    CHECK_FALSE(lines[0].comment.has_value());
    REQUIRE(lines[0].string_contents.size() == 3);
    CHECK(substring(lines[0].text, lines[0].string_contents[0]) == R"(it\'s)");
    CHECK(substring(lines[0].text, lines[0].string_contents[1]) == "x{y}");
    CHECK(lines[0].string_contents[2].begin == lines[0].string_contents[2].end);
  }

  TEST_CASE("suppress: a bracketed statement spans lines, each line knows where it starts") {
    const auto lines = scan_source_lines("A = 1\nDATABASES = {\n    'default': {  # c\n    },\n}\nB = (1 +\n 2)\n");
    REQUIRE(lines.size() == 7);
    const std::vector<int> starts = {1, 2, 2, 2, 2, 6, 6};
    for (std::size_t i = 0; i < starts.size(); ++i) CHECK(lines[i].statement_start == starts[i]);
    CHECK(lines[2].comment.has_value());
  }

  TEST_CASE("suppress: triple-quoted strings and backslash continuations join lines") {
    const auto lines = scan_source_lines("KEY = '''abc\n# not a comment\nxyz'''\nX = 1 + \\\n    2\nY = 3\n");
    REQUIRE(lines.size() == 6);
    CHECK(lines[1].statement_start == 1);
    CHECK_FALSE(lines[1].comment.has_value());
    REQUIRE(lines[1].string_contents.size() == 1);
    CHECK(substring(lines[1].text, lines[1].string_contents[0]) == "# not a comment");
    CHECK(substring(lines[2].text, lines[2].string_contents[0]) == "xyz");
    CHECK(lines[3].statement_start == 4);
    CHECK(lines[4].statement_start == 4);
    CHECK(lines[5].statement_start == 6);
  }

  TEST_CASE("suppress: CRLF and lone CR end lines, an unterminated string stops at its line") {
    const auto lines = scan_source_lines("A = 'x\r\nB = 2\rC = 3");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].text == "A = 'x");
    CHECK(lines[1].text == "B = 2");
    CHECK(lines[1].statement_start == 2);
    CHECK(lines[2].text == "C = 3");
  }

  TEST_CASE("suppress: code point columns count UTF-8 characters, not bytes") {
    CHECK(code_point_column("é = 1", 0) == 1);
    CHECK(code_point_column("é = 1", 2) == 2);
    CHECK(code_point_column("日本 = 1", 6) == 3);
  }
}

TEST_SUITE("source_lines_masking") {
  TEST_CASE("masking: env variable names given to env readers stay visible, every other literal is masked") {
    const auto visible_and_masked = [](std::string_view source) {
      const auto lines = scan_source_lines(source);
      REQUIRE(lines.size() == 1);
      std::vector<std::string> masked;
      for (const ByteRange& range : secret_candidate_ranges(lines[0]))
        masked.push_back(substring(lines[0].text, range));
      return masked;
    };
    using List = std::vector<std::string>;
    CHECK(visible_and_masked("SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'fallback-key')\n") ==
          List{"fallback-key"});
    CHECK(visible_and_masked("SECRET_KEY = os.getenv( \"SECRET_KEY\" , 'x')\n") == List{"x"});
    CHECK(visible_and_masked("SECRET_KEY = os.environ['SECRET_KEY']\n").empty());
    CHECK(visible_and_masked("SECRET_KEY = env.str('SECRET_KEY', default='k')\n") == List{"k"});
    CHECK(visible_and_masked("SECRET_KEY = env('SECRET_KEY', default='k')\n") == List{"k"});
    CHECK(visible_and_masked("SECRET_KEY = config('SECRET_KEY', default='k')\n") == List{"k"});
    // A literal that is not an env reader's first argument, or not shaped like a variable name, stays masked.
    CHECK(visible_and_masked("SECRET_KEY = str('ABCDEF')\n") == List{"ABCDEF"});
    CHECK(visible_and_masked("SECRET_KEY = ('ABCDEF')\n") == List{"ABCDEF"});
    CHECK(visible_and_masked("SECRET_KEY = os.environ.get('not a name!', 'k')\n") == List{"not a name!", "k"});
    CHECK(visible_and_masked("PASSWORD = foo.get('DB_PASSWORD')\n") == List{"DB_PASSWORD"});
  }

  TEST_CASE("masking: dict keys and subscripts name the value and stay visible, the value is masked") {
    using List = std::vector<std::string>;
    CHECK(masked_parts("    'PASSWORD': 'hunter2',\n") == List{"hunter2"});
    CHECK(masked_parts("DATABASES = {'default': {'ENGINE': 'e', \"PASSWORD\" : \"pw\"}}\n") == List{"e", "pw"});
    CHECK(masked_parts("DATABASES['default']['PASSWORD'] = 'pw'\n") == List{"pw"});
    CHECK(masked_parts("CACHES = dict(default={'OPTIONS': {'PASSWORD': r'''pw'''}})\n") == List{"pw"});
    // A literal before a colon that is no dict key, and a list's element, are values.
    CHECK(masked_parts("if SECRET_KEY == 'abc': pass\n") == List{"abc"});
    CHECK(masked_parts("TOKENS = ['t1', 't2']\n") == List{"t1", "t2"});
    CHECK(masked_parts("x = f(a)['k']\n").empty());
  }

  TEST_CASE("masking: a URL keeps its scheme, user and host, and masks its password and token-bearing parts") {
    using List = std::vector<std::string>;
    CHECK(masked_parts("DB = 'postgres://app:s3cr3t@db.internal:5432/app'\n") == List{"s3cr3t"});
    CHECK(masked_parts("BROKER_URL = 'redis://:p@ss@redis/0'\n") == List{"p@ss"});
    CHECK(masked_parts("SENTRY_DSN = 'https://0123abcd@o1.ingest.sentry.io/42'\n") == List{"0123abcd"});
    CHECK(masked_parts("HOOK = 'https://hooks.slack.com/services/T0/B0/XYZ'\n") == List{"/services/T0/B0/XYZ"});
    CHECK(masked_parts("URL = 'https://api.example.com/v1?token=abc'\n") == List{"/v1?token=abc"});
    CHECK(masked_parts("CACHE = 'redis://cache:6379/1'\n").empty());
    CHECK(masked_parts("'CONFIG': {'hosts': ['amqp://guest:guest@mq//']},\n") == List{"guest", "//"});
  }
}

TEST_SUITE("suppress_parse") {
  TEST_CASE("suppress: one id, several ids, a reason, columns of each id") {
    const auto found = find_suppressions("s.py",
                                         "A = 1  # deployctl: ignore[SK001]\n"
                                         "B = 2  # deployctl: ignore[DJ018, SK002] rotated in vault\n");
    REQUIRE(found.size() == 2);
    CHECK(found[0].line == 1);
    CHECK(found[0].column == 8);
    REQUIRE(found[0].rules.size() == 1);
    CHECK(found[0].rules[0].id == "SK001");
    CHECK(found[0].rules[0].column == 28);
    CHECK(found[0].rules[0].end_column == 33);
    CHECK(found[0].reason.empty());
    CHECK_FALSE(found[0].malformed);
    REQUIRE(found[1].rules.size() == 2);
    CHECK(found[1].rules[0].id == "DJ018");
    CHECK(found[1].rules[1].id == "SK002");
    CHECK(found[1].rules[1].column == 35);
    CHECK(found[1].reason == "rotated in vault");
  }

  TEST_CASE("suppress: a directive inside a string is text, one after another comment counts") {
    const auto found = find_suppressions("s.py",
                                         "A = '# deployctl: ignore[SK001]'\n"
                                         "B = 2  # noqa: E501  # deployctl: ignore[SK001]\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 2);
  }

  TEST_CASE("suppress: malformed directives are kept as malformed") {
    for (const char* text : {"A = 1  # deployctl: ignore\n", "A = 1  # deployctl: ignore[]\n",
                             "A = 1  # deployctl: ignore[SK001\n", "A = 1  # deployctl: ignore[SK 001]\n",
                             "A = 1  # deployctl: disable[SK001]\n", "A = 1  # deployctl: ignore[SK001,]\n"}) {
      CAPTURE(text);
      const auto found = find_suppressions("s.py", text);
      REQUIRE(found.size() == 1);
      CHECK(found[0].malformed);
      CHECK(found[0].rules.empty());
    }
    CHECK(find_suppressions("s.py", "A = 1  # deployctl is great\n").empty());
  }
}

TEST_SUITE("suppress_apply") {
  TEST_CASE("suppress: a finding on the comment's line is dropped, another rule's is kept") {
    const auto files = one_file("DEBUG = True  # deployctl: ignore[DJ018]\n");
    const auto outcome = apply_suppressions({finding_at("DJ018", 1), finding_at("SK001", 1)}, files, all_enabled());
    CHECK(outcome.suppressed == 1);
    REQUIRE(outcome.findings.size() == 1);
    CHECK(outcome.findings[0].rule == "SK001");
  }

  TEST_CASE("suppress: a comment on a statement's first line covers findings on its later lines") {
    const auto files = one_file("DATABASES = {  # deployctl: ignore[SK001]\n    'x': 1,\n}\nA = 1\n");
    const auto outcome = apply_suppressions({finding_at("SK001", 2), finding_at("SK001", 4)}, files, all_enabled());
    CHECK(outcome.suppressed == 1);
    REQUIRE(outcome.findings.size() == 1);
    CHECK(outcome.findings[0].where.line == 4);
  }

  TEST_CASE("suppress: only the finding's own file is searched") {
    const auto files = one_file("DEBUG = True  # deployctl: ignore[DJ018]\n");
    const auto outcome = apply_suppressions({finding_at("DJ018", 1, "other/settings.py")}, files,
                                            RuleSelection{known, [](auto id) { return id != "DPL004"; }});
    CHECK(outcome.suppressed == 0);
    CHECK(outcome.findings.size() == 1);
  }

  TEST_CASE("suppress: an unused suppression is reported as DPL004 at the rule id") {
    const auto files = one_file("DEBUG = False  # deployctl: ignore[DJ018, SK001]\n");
    const auto outcome = apply_suppressions({finding_at("SK001", 1)}, files, all_enabled());
    CHECK(outcome.suppressed == 1);
    REQUIRE(outcome.findings.size() == 1);
    const Finding& unused = outcome.findings[0];
    CHECK(unused.rule == "DPL004");
    CHECK(unused.severity == Severity::warning);
    CHECK(unused.message == "suppression of DJ018 matches no finding on this line");
    CHECK(unused.where.file == "app/settings.py");
    CHECK(unused.where.line == 1);
    CHECK(unused.where.column == 36);
    CHECK(unused.where.end_column == 41);
  }

  TEST_CASE("suppress: an unknown rule id is reported with a suggestion") {
    const auto files = one_file("A = 1  # deployctl: ignore[SK01]\n");
    const auto outcome = apply_suppressions({}, files, all_enabled());
    REQUIRE(outcome.findings.size() == 1);
    CHECK(outcome.findings[0].rule == "DPL004");
    CHECK(outcome.findings[0].message == "suppression names unknown rule 'SK01'. Did you mean 'SK001'?");
  }

  TEST_CASE("suppress: a malformed directive is reported") {
    const auto outcome = apply_suppressions({}, one_file("A = 1  # deployctl: ignore SK001\n"), all_enabled());
    REQUIRE(outcome.findings.size() == 1);
    CHECK(outcome.findings[0].rule == "DPL004");
    CHECK(outcome.findings[0].message.starts_with("malformed suppression comment"));
    CHECK(outcome.findings[0].where.column == 8);
  }

  TEST_CASE("suppress: a rule that did not run makes no unused suppression, DPL004 off reports nothing") {
    const auto files = one_file("DEBUG = False  # deployctl: ignore[DJ018, SK99]\n");
    const RuleSelection only_sk{known, [](std::string_view id) { return id.starts_with("SK") || id == "DPL004"; }};
    const auto outcome = apply_suppressions({}, files, only_sk);
    REQUIRE(outcome.findings.size() == 1);
    CHECK(outcome.findings[0].message.find("unknown rule 'SK99'") != std::string::npos);

    const RuleSelection no_dpl004{known, [](std::string_view id) { return id != "DPL004"; }};
    CHECK(apply_suppressions({}, files, no_dpl004).findings.empty());
  }

  TEST_CASE("suppress: ignore[DPL004] silences the line's own unused suppression, and is unused otherwise") {
    const auto silenced =
        apply_suppressions({}, one_file("A = 1  # deployctl: ignore[DJ018, DPL004]\n"), all_enabled());
    CHECK(silenced.findings.empty());
    CHECK(silenced.suppressed == 1);

    const auto unused = apply_suppressions({finding_at("DJ018", 1)},
                                           one_file("A = 1  # deployctl: ignore[DJ018, DPL004]\n"), all_enabled());
    CHECK(unused.suppressed == 1);
    REQUIRE(unused.findings.size() == 1);
    CHECK(unused.findings[0].message == "suppression of DPL004 matches no finding on this line");
  }

  TEST_CASE("suppress: one comment may suppress the same rule for several findings on its line") {
    const auto files = one_file("A = [1, 2]  # deployctl: ignore[SK001]\n");
    const auto outcome = apply_suppressions({finding_at("SK001", 1), finding_at("SK001", 1)}, files, all_enabled());
    CHECK(outcome.suppressed == 2);
    CHECK(outcome.findings.empty());
  }
}
