// django-split-settings: include() runs files in the including module's globals; optional(); globs; problems.
#include "evaluator_support.hpp"

using namespace evaluator_test;
using deployctl::checks::settings::evaluate_settings;

TEST_SUITE("evaluator-split-settings") {
  TEST_CASE("include evaluates files in order, globs included, each file once") {
    auto result = evaluate_settings(fixture("split"), "proj.settings", {});
    REQUIRE(result.has_value());
    const auto& model = *result;
    CHECK(setting(model, "DEBUG").is_true());  // extra/local.py (optional, present) ran last
    const Value& apps = setting(model, "INSTALLED_APPS");
    REQUIRE(apps.items.size() == 2);
    CHECK(is_string(apps.items[1], "rest_framework"));
    CHECK(setting(model, "DATABASES").get("default") != nullptr);
    CHECK(setting(model, "DEBUG").origin.file == "proj/settings/extra/local.py");
    // __file__ in an included file is the including module's.
    CHECK(setting(model, "SETTINGS_FILE").text.ends_with("proj/settings/__init__.py"));
    CHECK(model.problems.empty());
    CHECK(model.file("proj/settings/components/apps.py") != nullptr);
  }

  TEST_CASE("a required include that matches nothing is a DPL003 problem") {
    auto result = evaluate_settings(fixture("split"), "proj.settings.missing", {});
    REQUIRE(result.has_value());
    CHECK(has_problem(*result, "DPL003", "components/nope.py"));
    CHECK(setting(*result, "DEBUG").is_false());
    CHECK(setting(*result, "AFTER").integer == 1);
  }

  TEST_CASE("a missing required include inside try/except OSError runs the handler instead") {
    const auto model =
        run_in(fixture("split") / "proj" / "settings",
               "from split_settings.tools import include\ntry:\n    include('nope.py')\nexcept OSError:\n    X = 1\n");
    CHECK(setting(model, "X").integer == 1);
    CHECK(model.problems.empty());
  }
}
