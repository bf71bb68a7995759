// deployctl.toml / [tool.deployctl]: where it is found, what it yields, and every error pointing at file:line:col.
#include "core/config.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace deployctl;

namespace {

// A copy of tests/fixtures/config/<name> in a fresh temp dir, so that no config above the source tree
// (or one added to it later) can change what the upward search finds.
const fs::path& copy_fixture(const std::string& name, const testing::TempDir& into) {
  fs::copy(fs::path(DEPLOYCTL_FIXTURES_DIR) / "config" / name, into.root(), fs::copy_options::recursive);
  return into.root();
}

// Parses `text` as ./deployctl.toml (so messages start with "deployctl.toml:") and returns the error message.
std::string error_of(const std::string& text, bool from_pyproject = false) {
  auto config = parse_project_config(text, from_pyproject ? "pyproject.toml" : "deployctl.toml", from_pyproject);
  REQUIRE_FALSE(config.has_value());
  return config.error().message;
}

ProjectConfig parsed(const std::string& text) {
  auto config = parse_project_config(text, "deployctl.toml", false);
  REQUIRE_MESSAGE(config.has_value(), config.error().message);
  return *config;
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("config: deployctl.toml is found from a project dir below it, with every key of [check]") {
    const testing::TempDir dir;
    const fs::path& root = copy_fixture("nested", dir);
    auto found = find_project_config(root / "project" / "mysite");
    REQUIRE_MESSAGE(found.has_value(), found.error().message);
    REQUIRE(found->has_value());
    const ProjectConfig& config = **found;
    CHECK(config.path == fs::canonical(root) / "deployctl.toml");
    CHECK_FALSE(config.from_pyproject);
    CHECK(config.description() == "deployctl.toml");

    const CheckConfig& check = config.check;
    REQUIRE(check.settings);
    CHECK(check.settings->value == "mysite.settings.production");
    CHECK(check.settings->where.line == 3);
    CHECK(check.settings->where.column == 12);
    REQUIRE(check.env_files);
    REQUIRE(check.env_files->size() == 1);
    CHECK(check.env_files->front().value == (fs::canonical(root) / "project" / ".env.production").string());
    REQUIRE(check.env);
    CHECK(check.env->front().value == "DJANGO_DEBUG=False");
    REQUIRE(check.select);
    REQUIRE(check.select->size() == 2);
    CHECK((*check.select)[0].value == "DJ");
    CHECK((*check.select)[1].value == "SK001");
    CHECK((*check.select)[1].where.line == 6);
    CHECK((*check.select)[1].where.column == 17);
    REQUIRE(check.ignore);
    CHECK(check.ignore->front().value == "DJ021");
    REQUIRE(check.fail_on);
    CHECK(check.fail_on->value == "warning");
    REQUIRE(check.format);
    CHECK(check.format->value == "json");
    REQUIRE(check.severity);
    REQUIRE(check.severity->size() == 2);
    CHECK((*check.severity)[0].key.value == "DJ018");
    CHECK((*check.severity)[0].key.where.line == 12);
    CHECK((*check.severity)[0].key.where.column == 1);
    CHECK((*check.severity)[0].value.value == "error");
    CHECK((*check.severity)[1].key.value == "SK001");
    CHECK((*check.severity)[1].value.value == "info");
    CHECK((*check.severity)[1].key.where.to_string() == config.path.string() + ":13:1");
  }

  TEST_CASE("config: absent keys stay absent") {
    const ProjectConfig config = parsed("[check]\nsettings = \"a.b\"\n");
    CHECK(config.check.settings);
    CHECK_FALSE(config.check.env_files);
    CHECK_FALSE(config.check.select);
    CHECK_FALSE(config.check.severity);
    CHECK_FALSE(parsed("").check.settings);
    CHECK(parsed("[check]\nselect = []\n").check.select->empty());
  }

  TEST_CASE("config: pyproject.toml [tool.deployctl] is the fallback, found upwards past one without the table") {
    const testing::TempDir dir;
    const fs::path& root = copy_fixture("pyproject", dir);
    auto found = find_project_config(root / "app");
    REQUIRE_MESSAGE(found.has_value(), found.error().message);
    REQUIRE(found->has_value());
    CHECK((*found)->path == fs::canonical(root) / "pyproject.toml");
    CHECK((*found)->from_pyproject);
    CHECK((*found)->description() == "pyproject.toml [tool.deployctl]");
    CHECK((*found)->check.settings->value == "mysite.settings");
    CHECK((*found)->check.settings->where.line == 10);
    CHECK((*found)->check.fail_on->value == "error");
  }

  TEST_CASE("config: deployctl.toml anywhere above wins over a closer pyproject.toml") {
    const testing::TempDir dir;
    const fs::path& root = copy_fixture("both", dir);
    auto found = find_project_config(root / "app");
    REQUIRE_MESSAGE(found.has_value(), found.error().message);
    REQUIRE(found->has_value());
    CHECK((*found)->check.settings->value == "from.deployctl.toml");
  }

  TEST_CASE("config: no config anywhere is nullopt, not an error") {
    const testing::TempDir dir;
    dir.write("sub/.keep", "").write("pyproject.toml", "[project]\nname = \"x\"\n");
    auto found = find_project_config(dir.root() / "sub");
    REQUIRE_MESSAGE(found.has_value(), found.error().message);
    CHECK_FALSE(found->has_value());
  }

  TEST_CASE("config: an invalid config found upwards is an error naming its path") {
    const testing::TempDir dir;
    dir.write("sub/.keep", "").write("deployctl.toml", "[check]\nfail-on = \"never\"\n");
    auto found = find_project_config(dir.root() / "sub");
    REQUIRE_FALSE(found.has_value());
    CHECK(found.error().message.starts_with((fs::canonical(dir.root()) / "deployctl.toml").string() + ":2:11: "));
  }

  TEST_CASE("config: env-file paths are relative to the config's directory, not the working directory") {
    auto config =
        parse_project_config("[check]\nenv-file = [\"../.env\", \"/etc/app.env\"]\n", "/srv/app/deployctl.toml", false);
    REQUIRE(config.has_value());
    CHECK((*config->check.env_files)[0].value == "/srv/.env");
    CHECK((*config->check.env_files)[1].value == "/etc/app.env");
    CHECK(config->directory() == "/srv/app");
  }

  TEST_CASE("config: TOML syntax errors give file:line:col and toml++'s description") {
    const std::string message = error_of("[check]\nsettings = \"unterminated\n");
    CHECK(message.starts_with("deployctl.toml:2:"));
    CHECK(message.find("invalid TOML: ") != std::string::npos);
    CHECK(error_of("[check]\nselect = [\"DJ\",,]\n").starts_with("deployctl.toml:2:"));
    CHECK(error_of("[check]\nsettings = \"a\"\nsettings = \"b\"\n").starts_with("deployctl.toml:3:"));
  }

  TEST_CASE("config: unknown tables and keys are errors with a did-you-mean") {
    CHECK(error_of("[chek]\nsettings = \"a\"\n") == "deployctl.toml:1:2: unknown table [chek]. Did you mean 'check'?");
    CHECK(error_of("[lint]\n") ==
          "deployctl.toml:1:2: unknown table [lint]. Known tables: check, deploy, render, serve.");
    CHECK(error_of("[check]\nselct = [\"DJ\"]\n") ==
          "deployctl.toml:2:1: unknown key 'selct' in [check]. Did you mean 'select'?");
    CHECK(error_of("[check]\nenv_file = []\n") ==
          "deployctl.toml:2:1: unknown key 'env_file' in [check]. Did you mean 'env-file'?");
    CHECK(error_of("[check]\nverbose = true\n") ==
          "deployctl.toml:2:1: unknown key 'verbose' in [check]. Known keys: settings, env-file, env, format, "
          "fail-on, select, ignore, severity, output, statistics, quiet, exit-zero, show-source, baseline, "
          "write-baseline, no-git, all-paths, new-since, django.");
    CHECK(error_of("settings = \"a.b\"\n") == "deployctl.toml:1:1: 'settings' must be inside the [check] table");
  }

  TEST_CASE("config: wrong types name the key, the flag and what was found") {
    CHECK(error_of("[check]\nselect = \"DJ\"\n") ==
          "deployctl.toml:2:10: 'select' in [check] (--select) must be an array of strings, found a string");
    CHECK(error_of("[check]\nsettings = 3\n") ==
          "deployctl.toml:2:12: 'settings' in [check] (--settings) must be a string, found an integer");
    CHECK(error_of("[check]\nignore = [\"DJ001\", true]\n") ==
          "deployctl.toml:2:20: item 2 of 'ignore' in [check] (--ignore) must be a string, found a boolean");
    CHECK(error_of("[check]\nseverity = \"error\"\n") ==
          "deployctl.toml:2:12: 'severity' in [check] (--severity) must be a table, found a string");
    CHECK(error_of("check = 1\n") == "deployctl.toml:1:1: [check] must be a table, found an integer");
    CHECK(error_of("[check]\nsettings = \"\"\n") ==
          "deployctl.toml:2:12: 'settings' in [check] (--settings) must not be empty");
  }

  TEST_CASE("config: fail-on and severity values are checked, with a did-you-mean") {
    CHECK(error_of("[check]\nfail-on = \"warnings\"\n") ==
          "deployctl.toml:2:11: 'fail-on' in [check] (--fail-on) must be one of error, warning, info, not 'warnings'. "
          "Did you mean 'warning'?");
    CHECK(error_of("[check.severity]\nDJ018 = \"eror\"\n") ==
          "deployctl.toml:2:9: 'DJ018' in [check.severity] must be one of error, warning, info, not 'eror'. "
          "Did you mean 'error'?");
    CHECK(error_of("[check.severity]\nDJ018 = 2\n") ==
          "deployctl.toml:2:9: 'DJ018' in [check.severity] must be a string, found an integer");
    // Rule ids are the CLI's to validate: unknown ones pass here, with their position kept.
    const ProjectConfig config = parsed("[check]\nselect = [\"NOPE1\"]\n[check.severity]\nNOPE2 = \"info\"\n");
    CHECK(config.check.select->front().where.to_string() == "deployctl.toml:2:11");
    CHECK(config.check.severity->front().key.where.to_string() == "deployctl.toml:4:1");
  }

  TEST_CASE("config: every problem is reported, in source order") {
    CHECK(error_of("[check]\nformat = 1\nfail-on = \"x\"\n[nope]\n") ==
          "deployctl.toml:2:10: 'format' in [check] (--format) must be a string, found an integer\n"
          "deployctl.toml:3:11: 'fail-on' in [check] (--fail-on) must be one of error, warning, info, not 'x'.\n"
          "deployctl.toml:4:2: unknown table [nope]. Known tables: check, deploy, render, serve.");
  }

  TEST_CASE("config: pyproject.toml errors name the [tool.deployctl...] table") {
    CHECK(error_of("[tool.deployctl.check]\nselct = []\n", true) ==
          "pyproject.toml:2:1: unknown key 'selct' in [tool.deployctl.check]. Did you mean 'select'?");
    CHECK(error_of("[tool.deployctl.chek]\n", true) ==
          "pyproject.toml:1:17: unknown table [tool.deployctl.chek]. Did you mean 'check'?");
    CHECK(error_of("[tool]\ndeployctl = 3\n", true) ==
          "pyproject.toml:2:13: [tool.deployctl] must be a table, found an integer");
    // Other tools' tables are none of our business.
    auto config = parse_project_config("[tool.ruff]\nselct = 1\n[tool.deployctl.check]\nformat = \"text\"\n",
                                       "pyproject.toml", true);
    REQUIRE(config.has_value());
    CHECK(config->check.format->value == "text");
  }
}
