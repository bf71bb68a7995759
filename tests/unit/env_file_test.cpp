// Dotenv parsing (python-dotenv's syntax) and the --env-file / --env environment; messages never show values.
#include "checks/settings/env_file.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace deployctl;
using namespace deployctl::checks::settings;

namespace {

using Variables = std::map<std::string, std::string>;

Variables parse(const std::string& text, const Environment& earlier = {}) {
  auto entries = parse_env_text(text, ".env", earlier);
  REQUIRE_MESSAGE(entries.has_value(), entries.error().message);
  Variables out;
  for (const auto& entry : *entries) out[entry.name] = entry.value;
  return out;
}

std::string error_of(const std::string& text) {
  auto entries = parse_env_text(text, ".env");
  REQUIRE_FALSE(entries.has_value());
  return entries.error().message;
}

}  // namespace

TEST_SUITE("envfile") {
  TEST_CASE("envfile: plain assignments, export, comments and blank lines") {
    const auto vars = parse(
        "# production settings\n"
        "\n"
        "DJANGO_DEBUG=False\n"
        "export DATABASE_URL=postgres://db/app\n"
        "   # indented comment\n"
        "export\tTABBED=1\n"
        "EMPTY=\n"
        "export=is-a-name\n");
    CHECK(vars == Variables{{"DJANGO_DEBUG", "False"},
                            {"DATABASE_URL", "postgres://db/app"},
                            {"TABBED", "1"},
                            {"EMPTY", ""},
                            {"export", "is-a-name"}});
  }

  TEST_CASE("envfile: whitespace around = and trailing whitespace are not part of the value") {
    CHECK(parse("  KEY  =  value  \n") == Variables{{"KEY", "value"}});
    CHECK(parse("KEY=\t spaced  out value \t\n") == Variables{{"KEY", "spaced  out value"}});
  }

  TEST_CASE("envfile: unquoted values lose a trailing ' # comment' but keep a # inside a word") {
    CHECK(parse("A=value # the comment\n") == Variables{{"A", "value"}});
    CHECK(parse("A=value\t#tabbed comment\n") == Variables{{"A", "value"}});
    CHECK(parse("A=pass#word\n") == Variables{{"A", "pass#word"}});
    CHECK(parse("A=a b #c #d\n") == Variables{{"A", "a b"}});
    CHECK(parse("A=\"x\" # quoted then comment\n") == Variables{{"A", "x"}});
    CHECK(parse("A='x'#no space needed after quotes\n") == Variables{{"A", "x"}});
  }

  TEST_CASE("envfile: single-quoted values are literal except for escaped quote and backslash") {
    CHECK(parse("A='no ${EXPANSION} and no \\n escapes'\n") == Variables{{"A", "no ${EXPANSION} and no \\n escapes"}});
    CHECK(parse("A='it\\'s'\n") == Variables{{"A", "it's"}});
    CHECK(parse("A='back\\\\slash'\n") == Variables{{"A", "back\\slash"}});
    CHECK(parse("A='# not a comment'\n") == Variables{{"A", "# not a comment"}});
    CHECK(parse("A='  kept  '\n") == Variables{{"A", "  kept  "}});
  }

  TEST_CASE("envfile: double-quoted values decode escapes") {
    CHECK(parse(R"(A="line\nnext\ttab \"quoted\" back\\slash")"
                "\n") == Variables{{"A", "line\nnext\ttab \"quoted\" back\\slash"}});
    CHECK(parse(R"(A="unknown \d escape stays")"
                "\n") == Variables{{"A", "unknown \\d escape stays"}});
    CHECK(parse("A=\"\"\n") == Variables{{"A", ""}});
  }

  TEST_CASE("envfile: quoted values may span lines, and line numbers keep counting") {
    auto entries = parse_env_text(
        "KEY=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"\n"
        "SINGLE='one\ntwo'\n"
        "AFTER=1\n",
        ".env");
    REQUIRE(entries.has_value());
    REQUIRE(entries->size() == 3);
    CHECK((*entries)[0].value == "-----BEGIN KEY-----\nabc\n-----END KEY-----");
    CHECK((*entries)[0].line == 1);
    CHECK((*entries)[1].value == "one\ntwo");
    CHECK((*entries)[1].line == 4);
    CHECK((*entries)[2].name == "AFTER");
    CHECK((*entries)[2].line == 6);
  }

  TEST_CASE("envfile: ${VAR} expands in unquoted and double-quoted values, from earlier keys and sources") {
    Environment earlier;
    earlier.variables["FROM_EARLIER_FILE"] = "outer";
    const auto vars = parse(
        "HOST=db.internal\n"
        "URL=postgres://${HOST}:5432/app\n"
        "QUOTED=\"${HOST}/x\"\n"
        "LITERAL='${HOST}'\n"
        "MISSING=[${NOT_SET}]\n"
        "DEFAULTED=${NOT_SET:-fallback}\n"
        "SET_WINS=${HOST:-fallback}\n"
        "OUTER=${FROM_EARLIER_FILE}\n"
        "DOLLAR=$HOST and ${unterminated\n"
        "BAD_DEFAULT=${HOST:x}\n",
        earlier);
    CHECK(vars.at("URL") == "postgres://db.internal:5432/app");
    CHECK(vars.at("QUOTED") == "db.internal/x");
    CHECK(vars.at("LITERAL") == "${HOST}");
    CHECK(vars.at("MISSING") == "[]");
    CHECK(vars.at("DEFAULTED") == "fallback");
    CHECK(vars.at("SET_WINS") == "db.internal");
    CHECK(vars.at("OUTER") == "outer");
    CHECK(vars.at("DOLLAR") == "$HOST and ${unterminated");
    CHECK(vars.at("BAD_DEFAULT") == "${HOST:x}");
  }

  TEST_CASE("envfile: a key refers to its own earlier value, and later keys win") {
    CHECK(parse("PATH_LIST=a\nPATH_LIST=${PATH_LIST}:b\n") == Variables{{"PATH_LIST", "a:b"}});
  }

  TEST_CASE("envfile: CRLF and CR line endings, a byte order mark, quoted names, bare names") {
    CHECK(parse("\xEF\xBB\xBF"
                "A=1\r\nB=\"two\"\r\nC=3\rD=4") == Variables{{"A", "1"}, {"B", "two"}, {"C", "3"}, {"D", "4"}});
    CHECK(parse("'QUOTED NAME'=x\n") == Variables{{"QUOTED NAME", "x"}});
    // python-dotenv accepts a name without '=' and sets nothing for it.
    CHECK(parse("JUST_A_NAME\nexport ALSO_NAME # comment\nB=2\n") == Variables{{"B", "2"}});
  }

  TEST_CASE("envfile: python-dotenv's corner cases") {
    // A bare name drops what the same file set before (python-dotenv maps it to None)...
    CHECK(parse("A=1\nB=2\nA\nC=${A:-unset}\n") == Variables{{"B", "2"}, {"C", "unset"}});
    // ...but not what an earlier file set.
    Environment earlier;
    earlier.variables["A"] = "outer";
    CHECK(parse("A\nC=${A}\n", earlier) == Variables{{"C", "outer"}});
    // A quote right after a backslash does not close the value, unless no other quote follows.
    CHECK(parse("WIN='C:\\dir\\'\n") == Variables{{"WIN", "C:\\dir\\"}});
    CHECK(parse("Q=\"a\\\\\" b\"\n") == Variables{{"Q", "a\\\" b"}});
    CHECK(parse("Q=\"say \\\"hi\\\"\"\n") == Variables{{"Q", "say \"hi\""}});
    CHECK(parse("export   # a comment, not a name\nX=1\n") == Variables{{"X", "1"}});
    // Python reads files with universal newlines, also inside quoted values.
    CHECK(parse("M=\"a\r\nb\rc\"\r\n") == Variables{{"M", "a\nb\nc"}});
  }

  TEST_CASE("envfile: malformed lines name the file and line, never the value") {
    CHECK(error_of("A=1\n=secret-value\n") == ".env:2: expected a variable name before '='");
    CHECK(error_of("A=1\n\nKEY NAME=secret-value\n") ==
          ".env:3: expected '=' after the variable name (names cannot contain spaces; write NAME=value)");
    CHECK(error_of("A=1\nB=\"secret-value\nC=3\n") == ".env:2: the double-quoted value has no closing quote");
    CHECK(error_of("A='secret-value\n") == ".env:1: the single-quoted value has no closing quote");
    CHECK(error_of("A=\"x\"\nB=\"secret\"value\n") ==
          ".env:2: unexpected text after the closing quote; only a # comment may follow it");
    CHECK(error_of("A=1\r\nB='x' y\r\n") ==
          ".env:2: unexpected text after the closing quote; only a # comment may follow it");
    CHECK(error_of("'unclosed=1\n") == ".env:1: the quoted variable name has no closing quote");
    CHECK(error_of("export \n") == ".env:1: expected a variable name before '='");
    CHECK(error_of("M=\"a\nb\"\nexport  =x\n") == ".env:3: expected a variable name before '='");
  }

  TEST_CASE("envfile: build_environment reads files in order, then --env, later wins") {
    const testing::TempDir scratch;
    const fs::path& dir = scratch.root();
    std::ofstream(dir / "base.env") << "DEBUG=True\nHOST=base\nNAME=app\n";
    std::ofstream(dir / "prod.env") << "DEBUG=False\nURL=https://${HOST}/\n";
    const std::vector<fs::path> files{dir / "base.env", dir / "prod.env"};
    const std::vector<std::string> assignments{"NAME=override", "EXTRA=a=b", "BLANK="};
    auto environment = build_environment(files, assignments);
    REQUIRE_MESSAGE(environment.has_value(), environment.error().message);
    CHECK(environment->variables == std::map<std::string, std::string, std::less<>>{{"DEBUG", "False"},
                                                                                    {"HOST", "base"},
                                                                                    {"NAME", "override"},
                                                                                    {"URL", "https://base/"},
                                                                                    {"EXTRA", "a=b"},
                                                                                    {"BLANK", ""}});
    auto empty = build_environment({}, {});
    REQUIRE(empty.has_value());
    CHECK(empty->variables.empty());
  }

  TEST_CASE("envfile: build_environment errors name the file or the --env argument") {
    const testing::TempDir scratch;
    const fs::path& dir = scratch.root();
    std::ofstream(dir / "bad.env") << "OK=1\nSECRET_KEY=\"hunter2\n";
    const std::vector<fs::path> bad{dir / "bad.env"};
    auto from_bad = build_environment(bad, {});
    REQUIRE_FALSE(from_bad.has_value());
    CHECK(from_bad.error().message.ends_with("bad.env:2: the double-quoted value has no closing quote"));
    CHECK(from_bad.error().message.find("hunter2") == std::string::npos);

    const std::vector<fs::path> missing{dir / "missing.env"};
    auto from_missing = build_environment(missing, {});
    REQUIRE_FALSE(from_missing.has_value());
    CHECK(from_missing.error().message == "cannot read env file " + (dir / "missing.env").string() + ": no such file");

    const auto env_error = [](std::vector<std::string> assignments) {
      auto environment = build_environment({}, assignments);
      REQUIRE_FALSE(environment.has_value());
      return environment.error().message;
    };
    CHECK(env_error({"DEBUG"}) == "--env DEBUG: expected KEY=VALUE, like --env DEBUG=value");
    CHECK(env_error({"A=1", "sk-live hunter2"}) == "--env argument 2 is not KEY=VALUE, like --env DJANGO_DEBUG=False");
    CHECK(env_error({"=hunter2"}) == "--env argument 1 has no variable name before '=' (expected KEY=VALUE)");
    CHECK(env_error({"MY KEY=hunter2"}) == "--env argument 1: the variable name before '=' contains whitespace");
  }
}
