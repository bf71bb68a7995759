// Multi-file projects: relative and absolute star imports, from-imports, __all__, optional local settings,
// cycles, missing modules, syntax errors in imported files, and how the entry module is found.
#include "evaluator_support.hpp"

#include <string>

#include "temp_dir.hpp"

using namespace evaluator_test;
using deployctl::checks::settings::evaluate_settings;

namespace {

SettingsModel settings_of(std::string_view project, std::string_view module, const Environment& environment = {}) {
  auto result = evaluate_settings(fixture(project), module, environment);
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().message));
  return std::move(*result);
}

}  // namespace

TEST_SUITE("evaluator-imports") {
  TEST_CASE("relative star import, then overrides and += on the imported list") {
    const auto model = settings_of("imports", "mysite.settings.production");
    CHECK(setting(model, "DEBUG").is_false());
    CHECK(is_string(setting(model, "SECRET_KEY"), "base-secret"));
    CHECK(setting(model, "SECRET_KEY").origin.file == "mysite/settings/base.py");
    CHECK(setting(model, "INSTALLED_APPS").items.size() == 3);
    CHECK(model.get("_PRIVATE") == nullptr);  // star imports skip underscore names
    CHECK(model.settings_file == "mysite/settings/production.py");
    REQUIRE_FALSE(model.files.empty());
    CHECK(model.files.front().path == "mysite/settings/production.py");
    CHECK(model.files.front().module == "mysite.settings.production");
    CHECK(model.file("mysite/settings/base.py") != nullptr);
    CHECK(model.problems.empty());
  }

  TEST_CASE("absolute star import, imported modules come along (os)") {
    const auto model = settings_of("imports", "mysite.settings.absolute");
    CHECK(setting(model, "DEBUG").is_true());
    CHECK(is_string(setting(model, "HOSTS_FROM_OS"), "a"));
  }

  TEST_CASE("from-imports of names, of submodules, and import of dotted modules") {
    const auto model = settings_of("imports", "mysite.settings.names");
    CHECK(setting(model, "DEBUG").is_true());
    CHECK(is_string(setting(model, "KEY"), "base-secret"));
    CHECK(is_string(setting(model, "FROM_MODULE"), "base-secret"));
    CHECK(setting(model, "FROM_PACKAGE").is_true());
    CHECK(setting(model, "FROM_DOTTED").items.size() == 2);
  }

  TEST_CASE("__all__ limits a star import") {
    const auto model = settings_of("imports", "mysite.settings.uses_all");
    CHECK(setting(model, "A").integer == 1);
    CHECK(model.get("B") == nullptr);
  }

  TEST_CASE("try/except ImportError around local settings: present file is imported") {
    const auto model = settings_of("imports", "mysite.settings.with_local");
    CHECK(setting(model, "DEBUG").is_true());
    CHECK(is_string(setting(model, "LOCAL"), "yes"));
  }

  TEST_CASE("try/except ImportError around local settings: absent file runs the handler") {
    const auto model = settings_of("imports", "other.settings");
    CHECK(setting(model, "DEBUG").is_false());
    CHECK(is_string(setting(model, "LOCAL"), "no"));
    CHECK(model.problems.empty());
  }

  TEST_CASE("importing a name the module does not define raises ImportError") {
    const auto model = settings_of("imports", "other.bad_name");
    CHECK(setting(model, "FALLBACK").is_true());
  }

  TEST_CASE("a missing project module outside try is a DPL003 problem") {
    const auto model = settings_of("imports", "other.missing");
    CHECK(has_problem(model, "DPL003", "other.nope"));
    CHECK(setting(model, "DEBUG").is_false());
  }

  TEST_CASE("a project folder without __init__.py does not shadow the standard library") {
    const auto model = settings_of("imports", "other.uses_logging");
    CHECK(model.problems.empty());
    CHECK(is_string(setting(model, "LEVEL"), "INFO"));
    CHECK(setting(model, "logging").text == "module logging");
  }

  TEST_CASE("an import cycle is a DPL002 problem naming the chain, names follow Python's partial module") {
    const auto model = settings_of("cycle", "cyc.a");
    CHECK(has_problem(model, "DPL002", "cyc.a -> cyc.b -> cyc.a"));
    CHECK(setting(model, "X").integer == 1);
    CHECK(setting(model, "Y").integer == 2);
    CHECK(setting(model, "Z").integer == 1);
  }

  TEST_CASE("a syntax error in an imported module is a DPL001 problem, the rest still evaluates") {
    const auto model = settings_of("syntax", "bad.settings");
    CHECK(has_problem(model, "DPL001", "bad/broken.py"));
    CHECK(setting(model, "DEBUG").is_false());
    CHECK(model.get("SECRET_KEY") == nullptr);
    const auto& problem = model.problems.front();
    CHECK(problem.where.file == "bad/broken.py");
    CHECK(problem.where.line >= 2);
  }

  TEST_CASE("an entry module that does not exist is an error naming the paths tried and how to fix it") {
    auto result = evaluate_settings(fixture("imports"), "mysite.settings.nope", {});
    REQUIRE_FALSE(result.has_value());
    const std::string& message = result.error().message;
    CHECK(message.find("mysite.settings.nope") != std::string::npos);
    CHECK(message.find("mysite/settings/nope.py") != std::string::npos);
    CHECK(message.find("mysite/settings/nope/__init__.py") != std::string::npos);
    CHECK(message.find("--settings") != std::string::npos);
    CHECK(message.find("deployctl.toml") != std::string::npos);
  }

  TEST_CASE("an unreadable entry file is an error from read_text_file") {
    const deployctl::testing::TempDir dir;
    dir.write("binsettings.py", std::string("DEBUG = 1\0\n", 11));
    auto result = evaluate_settings(dir.root(), "binsettings", {});
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.find("binary") != std::string::npos);
  }

  TEST_CASE("in-memory source resolves project imports when given the project dir") {
    const auto model = run_in(fixture("imports"), "from mysite.settings.base import *\nDEBUG = False\n", {},
                              "mysite/settings/memory.py");
    CHECK(setting(model, "DEBUG").is_false());
    CHECK(is_string(setting(model, "SECRET_KEY"), "base-secret"));
    const auto relative = run_in(fixture("imports"), "from .base import SECRET_KEY\n", {}, "mysite/settings/memory.py");
    CHECK(is_string(setting(relative, "SECRET_KEY"), "base-secret"));
  }

  TEST_CASE("without a project dir, project imports leave their names unknown") {
    const auto model = run("from .base import SECRET_KEY\nfrom .local import *\nX = UNSEEN\n");
    CHECK_FALSE(setting(model, "SECRET_KEY").is_known());
    CHECK(setting(model, "X").unknown_reason.find("star import") != std::string::npos);
    CHECK(model.problems.empty());
  }
}
