// The command line driven in-process through deployctl::run: top-level flags, the command table, help and
// "did you mean", every flag of `check` and its config twin, exit codes, and errors that must exit 2.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <optional>

#include "checks/rules/registry.hpp"
#include "cli_support.hpp"
#include "core/version.hpp"

using deployctl::testing::expect_failure;
using deployctl::testing::run_deployctl;
using deployctl::testing::TempDir;

namespace {

// Sets or unsets an environment variable for one test, restoring it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string debug_on = "DEBUG = True\n";
const std::string debug_off = "DEBUG = False\n";

}  // namespace

TEST_SUITE("cli_top_level") {
  TEST_CASE("cli: --version prints the version") {
    const auto result = run_deployctl({"--version"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == std::string("deployctl ") + deployctl::version + "\n");
    CHECK(result.err.empty());
  }

  TEST_CASE("cli: --help lists every command of the table") {
    const auto result = run_deployctl({"--help"});
    CHECK(result.exit_code == 0);
    for (const char* command : {"check", "rules", "explain", "render", "serve", "help"})
      CHECK(contains(result.out, "\n  " + std::string(command) + " "));
    CHECK(run_deployctl({"-h"}).out == result.out);
    CHECK(run_deployctl({"help"}).out == result.out);
  }

  TEST_CASE("cli: no command is a usage error") {
    expect_failure({}, "no command given; the commands are check, rules, explain, render, serve, help.");
  }

  TEST_CASE("cli: an unknown command or top-level flag suggests the closest") {
    expect_failure({"chek"}, "unknown command 'chek'. Did you mean 'check'?");
    expect_failure({"explian", "DJ018"}, "Did you mean 'explain'?");
    expect_failure({"--verison"}, "unknown option '--verison'. Did you mean '--version'?");
    const auto far = expect_failure({"deploy"}, "unknown command 'deploy'.");
    CHECK_FALSE(contains(far.err, "Did you mean"));
  }

  TEST_CASE("cli: help COMMAND and COMMAND --help print the command's options") {
    const auto help = run_deployctl({"help", "check"});
    CHECK(help.exit_code == 0);
    for (const char* flag : {"--settings", "--env-file", "--env", "--format", "--fail-on", "--select", "--ignore",
                             "--severity", "PROJECT_DIR"})
      CHECK_MESSAGE(contains(help.out, flag), flag);
    const auto inline_help = run_deployctl({"check", "--help"});
    CHECK(inline_help.exit_code == 0);
    CHECK(inline_help.out == help.out);
    CHECK(contains(run_deployctl({"help", "explain"}).out, "ID"));
    expect_failure({"help", "chek"}, "unknown command 'chek'. Did you mean 'check'?");
  }

  TEST_CASE("cli: an unknown flag of a command suggests the closest flag") {
    expect_failure({"check", "--fromat", "json"}, "check: unknown option '--fromat'. Did you mean '--format'?");
    expect_failure({"check", "--fail-one=error"}, "unknown option '--fail-one'. Did you mean '--fail-on'?");
    expect_failure({"rules", "--formt", "json"}, "Did you mean '--format'?");
    expect_failure({"check", "a", "b"}, "unexpected argument 'b'");
    expect_failure({"check", "--format"}, "error: check: ");
  }
}

TEST_SUITE("cli_rules") {
  TEST_CASE("cli: rules lists every rule with id, severity, name and summary") {
    const auto result = run_deployctl({"rules"});
    CHECK(result.exit_code == 0);
    CHECK(result.out.starts_with("ID "));
    for (const auto& rule : deployctl::checks::rules::all_rules()) {
      CAPTURE(rule.info.id);
      CHECK(contains(result.out, std::string(rule.info.id) + " "));
      CHECK(contains(result.out, std::string(rule.info.name)));
    }
  }

  TEST_CASE("cli: rules --format json carries every field") {
    const auto result = run_deployctl({"rules", "--format", "json"});
    REQUIRE(result.exit_code == 0);
    const auto document = nlohmann::json::parse(result.out);
    CHECK(document["tool"] == "deployctl");
    const auto rules = deployctl::checks::rules::all_rules();
    REQUIRE(document["rules"].size() == rules.size());
    const auto& dpl004 = *std::find_if(document["rules"].begin(), document["rules"].end(),
                                       [](const auto& rule) { return rule["id"] == "DPL004"; });
    CHECK(dpl004["severity"] == "warning");
    CHECK(dpl004["name"] == "unused-suppression");
    CHECK(dpl004["django_check"].is_null());
    CHECK(dpl004["example_fires"].get<std::string>().find("ignore[") != std::string::npos);
  }

  TEST_CASE("cli: rules --format markdown is the rules reference, an unknown format is refused") {
    const auto result = run_deployctl({"rules", "--format", "markdown"});
    CHECK(result.exit_code == 0);
    CHECK(result.out.starts_with("# deployctl rules\n"));
    CHECK(contains(result.out, "\n## DPL004 unused-suppression\n"));
    CHECK(contains(result.out, "| [DPL004](#dpl004-unused-suppression) |"));
    expect_failure({"rules", "--format", "jsno"}, "unknown format 'jsno'. Did you mean 'json'?");
  }

  TEST_CASE("cli: explain prints summary, rationale, fix, both examples, Django's id and notes") {
    const auto result = run_deployctl({"explain", "DJ018"});
    CHECK(result.exit_code == 0);
    const auto* rule = deployctl::checks::rules::find_rule("DJ018");
    REQUIRE(rule != nullptr);
    CHECK(result.out.starts_with("DJ018 debug-enabled (warning)\nDjango check: security.W018\n"));
    for (const char* heading : {"Why it matters:\n", "How to fix:\n", "Fires:\n    DEBUG = True\n",
                                "Does not fire:\n    DEBUG = False\n", "Notes:\n"})
      CHECK_MESSAGE(contains(result.out, heading), heading);
    CHECK(run_deployctl({"explain", "dj018"}).out == result.out);
  }

  TEST_CASE("cli: explain of an unknown id suggests one and exits 2") {
    expect_failure({"explain", "DJ0188"}, "unknown rule 'DJ0188'. Did you mean 'DJ018'?");
    expect_failure({"explain"}, "error: explain: ");
  }
}

TEST_SUITE("cli_check") {
  TEST_CASE("cli: check exits 0 when nothing reaches --fail-on, 1 when something does") {
    TempDir project;
    project.django(debug_on);
    const auto found = run_deployctl({"check", project.path(), "--select", "DJ018"});
    CHECK(found.exit_code == 1);
    CHECK(contains(found.out, "mysite/settings.py:1:9: DJ018 [warning] "));
    CHECK(contains(found.out, "1 | DEBUG = True\n"));
    CHECK(contains(found.out, "= help: "));
    CHECK(found.out.ends_with("\nFound 1 warning.\n"));
    CHECK(found.err.empty());

    CHECK(run_deployctl({"check", project.path(), "--select", "DJ018", "--fail-on", "error"}).exit_code == 0);
    CHECK(run_deployctl({"check", project.path(), "--select", "DJ018", "--fail-on", "info"}).exit_code == 1);
    const auto clean = run_deployctl({"check", project.path(), "--select", "SK001"});
    CHECK(clean.exit_code == 0);
    CHECK(clean.out == "All checks passed.\n");
  }

  TEST_CASE("cli: --severity overrides a rule's severity, --fail-on then sees the new one") {
    TempDir project;
    project.django(debug_on);
    const auto raised = run_deployctl(
        {"check", project.path(), "--select", "DJ018", "--severity", "DJ018=error", "--fail-on", "error"});
    CHECK(raised.exit_code == 1);
    CHECK(contains(raised.out, "DJ018 [error]"));
    const auto lowered = run_deployctl({"check", project.path(), "--select=DJ018", "--severity=DJ=info"});
    CHECK(lowered.exit_code == 0);
    CHECK(contains(lowered.out, "DJ018 [info]"));
    expect_failure({"check", project.path(), "--severity", "DJ018"}, "--severity: expected RULE=LEVEL");
    expect_failure({"check", project.path(), "--severity", "DJ018=eror"}, "unknown severity 'eror'");
  }

  TEST_CASE("cli: --select and --ignore take comma-separated ids and prefixes, unknown ids are refused") {
    TempDir project;
    project.django(debug_on + "SECRET_KEY = 'x'\n");
    const auto both = run_deployctl({"check", project.path(), "--select", "DJ018, SK001"});
    CHECK(contains(both.out, "DJ018"));
    CHECK(contains(both.out, "SK001"));
    const auto ignored = run_deployctl({"check", project.path(), "--select", "DJ018,SK001", "--ignore", "SK"});
    CHECK(contains(ignored.out, "DJ018"));
    CHECK_FALSE(contains(ignored.out, "SK001"));
    expect_failure({"check", project.path(), "--select", "DJ0188"},
                   "--select: unknown rule 'DJ0188'. Did you mean 'DJ018'?");
    expect_failure({"check", project.path(), "--ignore", "ZZ"}, "--ignore: unknown rule 'ZZ'.");
  }

  TEST_CASE("cli: --format json prints the documented document") {
    TempDir project;
    project.django(debug_on);
    const auto result = run_deployctl({"check", project.path(), "--select", "DJ018", "--format", "json"});
    CHECK(result.exit_code == 1);
    const auto document = nlohmann::json::parse(result.out);
    CHECK(document["tool"] == "deployctl");
    CHECK(document["version"] == deployctl::version);
    REQUIRE(document["findings"].size() == 1);
    const auto& finding = document["findings"][0];
    CHECK(finding["rule"] == "DJ018");
    CHECK(finding["file"] == "mysite/settings.py");
    CHECK(finding["line"] == 1);
    CHECK(finding["setting"] == "DEBUG");
    CHECK(finding["django_check"] == "security.W018");
    CHECK(document["summary"] == nlohmann::json{{"error", 0},
                                                {"warning", 1},
                                                {"info", 0},
                                                {"suppressed", 0},
                                                {"baselined", 0},
                                                {"silenced", 0},
                                                {"unknown_settings", nlohmann::json::array()}});
    CHECK(document["silenced"] == nlohmann::json::array());
    expect_failure({"check", project.path(), "--format", "jsn"},
                   "--format: unknown format 'jsn'. Did you mean 'json'?");
    expect_failure({"check", project.path(), "--fail-on", "warn"}, "--fail-on: unknown severity 'warn'");
  }

  TEST_CASE("cli: --settings picks the module, a bad one is an error") {
    TempDir project;
    project.django(debug_off);
    project.write("mysite/dev.py", debug_on);
    CHECK(run_deployctl({"check", project.path(), "--select", "DJ018"}).exit_code == 0);
    CHECK(run_deployctl({"check", project.path(), "--select", "DJ018", "--settings", "mysite.dev"}).exit_code == 1);
    const auto missing = run_deployctl({"check", project.path(), "--settings", "mysite.nothere"});
    CHECK(missing.exit_code == 2);
    CHECK(contains(missing.err, "mysite.nothere"));
  }

  TEST_CASE("cli: --env-file and --env feed the evaluation, later wins") {
    TempDir project;
    project.django("import os\nDEBUG = os.environ.get('DJANGO_DEBUG') == '1'\n");
    project.write("prod.env", "DJANGO_DEBUG=0\n").write("dev.env", "DJANGO_DEBUG=1\n");
    const std::vector<std::string> base = {"check", project.path(), "--select", "DJ018"};
    const auto with = [&](std::vector<std::string> extra) {
      std::vector<std::string> args = base;
      args.insert(args.end(), extra.begin(), extra.end());
      return run_deployctl(args).exit_code;
    };
    CHECK(with({}) == 0);
    CHECK(with({"--env-file", project.path("dev.env")}) == 1);
    CHECK(with({"--env-file", project.path("dev.env"), "--env-file", project.path("prod.env")}) == 0);
    CHECK(with({"--env-file", project.path("dev.env"), "--env", "DJANGO_DEBUG=0"}) == 0);
    CHECK(with({"--env", "DJANGO_DEBUG=1"}) == 1);
    expect_failure({"check", project.path(), "--env", "DJANGO_DEBUG"}, "--env");
    expect_failure({"check", project.path(), "--env-file", project.path("none.env")}, "none.env");
    project.write("bad.env", "OK=1\nNOT A LINE\n");
    expect_failure({"check", project.path(), "--env-file", project.path("bad.env")}, "bad.env:2: ");
  }

  TEST_CASE("cli: deployctl.toml sets the defaults and flags replace its keys") {
    TempDir project;
    project.django(debug_on + "SECRET_KEY = 'x'\n");
    project.write("deployctl.toml",
                  "[check]\nselect = [\"DJ018\"]\nformat = \"json\"\nfail-on = \"error\"\n"
                  "[check.severity]\nDJ018 = \"info\"\n");
    const auto configured = run_deployctl({"check", project.path()});
    CHECK(configured.exit_code == 0);
    const auto document = nlohmann::json::parse(configured.out);
    REQUIRE(document["findings"].size() == 1);
    CHECK(document["findings"][0]["severity"] == "info");

    const auto flagged = run_deployctl({"check", project.path(), "--select", "SK001", "--format", "text", "--fail-on",
                                        "info", "--severity", "SK=info"});
    CHECK(flagged.exit_code == 1);
    CHECK(contains(flagged.out, "SK001 [info]"));
    CHECK_FALSE(contains(flagged.out, "DJ018"));
  }

  TEST_CASE("cli: config errors exit 2 and point at the file, line and column") {
    TempDir project;
    project.django(debug_on);
    project.write("deployctl.toml", "[check]\nselect = [\"DJ018\", \"DJ0188\"]\n");
    const auto unknown =
        expect_failure({"check", project.path()}, "deployctl.toml:2:20: select: unknown rule 'DJ0188'");
    CHECK(contains(unknown.err, "Did you mean 'DJ018'?"));
    project.write("deployctl.toml", "[check]\nformat = \"xml\"\n");
    expect_failure({"check", project.path()}, "deployctl.toml:2:10: format: unknown format 'xml'");
    project.write("deployctl.toml", "[check\nselect = 1\n");
    expect_failure({"check", project.path()}, "deployctl.toml");
    project.write("deployctl.toml", "[check]\nselcet = [\"DJ\"]\n");
    expect_failure({"check", project.path()}, "selcet");
  }

  TEST_CASE("cli: a missing project dir, no settings, unreadable settings: exit 2 with a message") {
    TempDir project;
    expect_failure({"check", project.path("nope")}, "does not exist");
    expect_failure({"check", project.path()}, "");
    const char binary[] =
        "DEBUG = True\n\0\x01"
        "binary";
    project.django(std::string(binary, sizeof binary - 1));
    expect_failure({"check", project.path()}, "binary");
    project.django("X = '" + std::string(5 * 1024 * 1024, 'a') + "'\n");
    expect_failure({"check", project.path()}, "bytes");
  }

  TEST_CASE("cli: a settings file with a syntax error is a finding, not a crash") {
    TempDir project;
    project.django("DEBUG = (\n");
    const auto result = run_deployctl({"check", project.path(), "--format", "json"});
    CHECK(result.exit_code == 1);
    const auto document = nlohmann::json::parse(result.out);
    CHECK(document["summary"]["error"].get<int>() >= 1);
  }

  TEST_CASE("cli: inline suppressions drop findings, an unused one is reported as DPL004") {
    TempDir project;
    project.django("DEBUG = True  # deployctl: ignore[DJ018] staging mirror\n");
    const auto suppressed = run_deployctl({"check", project.path(), "--select", "DJ018,DPL004"});
    CHECK(suppressed.exit_code == 0);
    CHECK(suppressed.out == "All checks passed (1 suppressed).\n");

    project.django("DEBUG = False  # deployctl: ignore[DJ018]\n");
    const auto unused = run_deployctl({"check", project.path(), "--select", "DJ018,DPL004"});
    CHECK(unused.exit_code == 1);
    CHECK(contains(unused.out, "mysite/settings.py:1:36: DPL004 [warning] suppression of DJ018 matches no finding"));
  }

  TEST_CASE("cli: secret values never reach the output, text or json") {
    TempDir project;
    const std::string secret = "django-insecure-k3y-that-must-never-be-printed-0123456789";
    project.django("SECRET_KEY = '" + secret +
                   "'\nDATABASES = {'default': {'ENGINE': 'x', 'PASSWORD': 'hunter2-pw'}}\n");
    for (const char* format : {"text", "json"}) {
      const auto result = run_deployctl({"check", project.path(), "--format", format});
      CAPTURE(format);
      CHECK(result.exit_code == 1);
      CHECK_FALSE(contains(result.out, secret));
      CHECK_FALSE(contains(result.out, "hunter2"));
      CHECK_FALSE(contains(result.err, secret));
    }
  }

  TEST_CASE("cli: colour on a terminal, none with NO_COLOR or off a terminal") {
    TempDir project;
    project.django(debug_on);
    const std::vector<std::string> args = {"check", project.path(), "--select", "DJ018"};
    {
      ScopedEnv no_color("NO_COLOR", nullptr);
      CHECK(contains(run_deployctl(args, true).out, "\x1b["));
      CHECK_FALSE(contains(run_deployctl(args, false).out, "\x1b["));
    }
    ScopedEnv no_color("NO_COLOR", "1");
    CHECK_FALSE(contains(run_deployctl(args, true).out, "\x1b["));
  }
}
