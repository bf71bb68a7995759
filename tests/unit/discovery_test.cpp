// Settings discovery over the fixture projects in tests/fixtures/discovery/: flag, config, entry points.
#include "checks/settings/discovery.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using namespace deployctl;
using namespace deployctl::checks::settings;

namespace {

fs::path fixture(const std::string& name) { return fs::path(DEPLOYCTL_FIXTURES_DIR) / "discovery" / name; }

DiscoveredSettings discovered(const std::string& project, std::optional<std::string> flag = {},
                              std::optional<std::string> config = {}) {
  auto found = discover_settings_module(fixture(project), std::move(flag), std::move(config));
  REQUIRE_MESSAGE(found.has_value(), found.error().message);
  return *found;
}

std::string error_of(const fs::path& project_dir, std::optional<std::string> flag = {},
                     std::optional<std::string> config = {}) {
  auto found = discover_settings_module(project_dir, std::move(flag), std::move(config));
  REQUIRE_FALSE(found.has_value());
  return found.error().message;
}

}  // namespace

TEST_SUITE("discovery") {
  TEST_CASE("discovery: startproject's entry points name mysite.settings, wsgi.py is read first") {
    const auto found = discovered("startproject");
    CHECK(found.module == "mysite.settings");
    CHECK(found.how == "mysite/wsgi.py");
    CHECK(fs::equivalent(found.file, fixture("startproject") / "mysite" / "settings.py"));
  }

  TEST_CASE("discovery: manage.py's default, set inside def main()") {
    const auto found = discovered("manage_only");
    CHECK(found.module == "blog.settings");
    CHECK(found.how == "manage.py");
    CHECK(fs::equivalent(found.file, fixture("manage_only") / "blog" / "settings.py"));
  }

  TEST_CASE("discovery: the production server's wsgi.py wins over manage.py's development default") {
    const auto found = discovered("cookiecutter");
    CHECK(found.module == "config.settings.production");
    CHECK(found.how == "config/wsgi.py");
  }

  TEST_CASE("discovery: os.environ[...] = ... in asgi.py, and a src/ layout") {
    const auto assigned = discovered("assign_form");
    CHECK(assigned.module == "portal.production");
    CHECK(assigned.how == "portal/asgi.py");
    const auto src = discovered("src_layout");
    CHECK(src.module == "shop.settings");
    CHECK(src.how == "src/shop/wsgi.py");
    CHECK(fs::equivalent(src.file, fixture("src_layout") / "src" / "shop" / "settings" / "__init__.py"));
  }

  TEST_CASE("discovery: --settings beats the config, which beats the entry points") {
    const auto from_flag = discovered("cookiecutter", "config.settings.local", "config.settings.base");
    CHECK(from_flag.module == "config.settings.local");
    CHECK(from_flag.how == "--settings");
    const auto from_config = discovered("cookiecutter", std::nullopt, "config.settings.base");
    CHECK(from_config.module == "config.settings.base");
    CHECK(from_config.how == "deployctl.toml");
    auto from_pyproject =
        discover_settings_module(fixture("cookiecutter"), std::nullopt, "config.settings.base", "pyproject.toml");
    REQUIRE(from_pyproject.has_value());
    CHECK(from_pyproject->how == "pyproject.toml");
  }

  TEST_CASE("discovery: nothing found says exactly how to name the settings") {
    CHECK(error_of(fixture("missing_settings")) ==
          "cannot tell which settings module to check: no wsgi.py, asgi.py or manage.py in " +
              fixture("missing_settings").string() +
              " sets DJANGO_SETTINGS_MODULE. Name the settings with --settings blog.settings, or with "
              "settings = \"blog.settings\" under [check] in deployctl.toml");
  }

  TEST_CASE("discovery: a default computed at run time is not guessed") {
    CHECK(error_of(fixture("computed")) ==
          "cannot tell which settings module to check: manage.py:6 sets DJANGO_SETTINGS_MODULE from an expression "
          "deployctl does not evaluate. Name the settings with --settings site.settings, or with "
          "settings = \"site.settings\" under [check] in deployctl.toml");
  }

  TEST_CASE("discovery: a module that does not resolve names the paths tried") {
    CHECK(error_of(fixture("unresolvable")) ==
          "the settings module 'mysite.settings.production' (from manage.py) is not a file under " +
              fixture("unresolvable").string() +
              "; tried mysite/settings/production.py, mysite/settings/production/__init__.py, "
              "src/mysite/settings/production.py, src/mysite/settings/production/__init__.py. Check the name, or run "
              "deployctl in the directory that contains manage.py");
    CHECK(error_of(fixture("startproject"), "mysite.prod")
              .starts_with("the settings module 'mysite.prod' (from --settings) is not a file under "));
  }

  TEST_CASE("discovery: a file path instead of a module name gets the dotted spelling") {
    CHECK(error_of(fixture("startproject"), "mysite/settings.py") ==
          "the settings module 'mysite/settings.py' (from --settings) is not a dotted module name; write it as "
          "mysite.settings, like mysite.settings.production");
    CHECK(error_of(fixture("startproject"), std::nullopt, "my site") ==
          "the settings module 'my site' (from deployctl.toml) is not a dotted module name, like "
          "mysite.settings.production");
  }

  TEST_CASE("discovery: a missing project dir or a file instead of a dir") {
    CHECK(error_of(fixture("no-such-project")) ==
          "project directory " + fixture("no-such-project").string() + " does not exist");
    CHECK(error_of(fixture("startproject") / "manage.py") ==
          (fixture("startproject") / "manage.py").string() +
              " is not a directory; deployctl check takes the project directory (the one with manage.py)");
  }

  TEST_CASE("discovery: settings_module_set_in reads literal defaults wherever the entry point sets them") {
    const auto found = settings_module_set_in(
        "import os\nimport sys\n\n"
        "def main():\n"
        "    if True:\n"
        "        try:\n"
        "            os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'deep.settings')\n"
        "        except Exception:\n"
        "            pass\n",
        "manage.py");
    REQUIRE(found);
    CHECK(found->module == "deep.settings");
    CHECK(found->line == 7);

    const auto from_import = settings_module_set_in(
        "from os import environ\nenviron.setdefault(\"OTHER\", \"x\")\nenviron.setdefault(\"DJANGO_SETTINGS_MODULE\", "
        "\"a.b\")\n",
        "wsgi.py");
    REQUIRE(from_import);
    CHECK(from_import->module == "a.b");
    CHECK(from_import->line == 3);

    const auto computed =
        settings_module_set_in("import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'a.' + X\n", "x.py");
    REQUIRE(computed);
    CHECK_FALSE(computed->module.has_value());

    CHECK_FALSE(settings_module_set_in("import os\nos.environ.get('DJANGO_SETTINGS_MODULE', 'a.b')\n", "x.py"));
    CHECK_FALSE(settings_module_set_in("os.environ.setdefault('DJANGO_SETTINGS_MODULE', \n", "broken.py"));
    CHECK_FALSE(settings_module_set_in("", "empty.py"));
  }
}
