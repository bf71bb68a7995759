// --django: Django's system checks run in a child with the embedded interpreter, mapped to findings and merged
// with the static ones by Django check id; failures to import are reasons, never crashes or secrets.
#include <doctest/doctest.h>

#include <algorithm>

#include "checks/check_project.hpp"
#include "checks/django_runtime/runtime_checks.hpp"
#include "checks/rules/run_rules.hpp"
#include "checks/settings/evaluator.hpp"
#include "cli_support.hpp"

using namespace deployctl;
using namespace deployctl::checks;

namespace {

django_runtime::RuntimeRequest request_for(const testing::TempDir& project, int timeout_seconds = 60) {
  django_runtime::RuntimeRequest request;
  request.project_dir = project.root();
  request.settings_module = "mysite.settings";
  request.timeout_seconds = timeout_seconds;
  return request;
}

const std::string minimal_settings =
    "SECRET_KEY = 'k' * 60 + 'zq9'\n"
    "INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth']\n"
    "ALLOWED_HOSTS = ['example.com']\n"
    "MIDDLEWARE = ['django.middleware.security.SecurityMiddleware']\n";

}  // namespace

TEST_SUITE("django_runtime") {
  TEST_CASE("django runtime: the deploy checks of a minimal project come back with ids and levels") {
    testing::TempDir project;
    project.django(minimal_settings);
    auto messages = django_runtime::run_django_checks(request_for(project));
    REQUIRE_MESSAGE(messages.has_value(), messages.error().message);
    const auto has = [&](std::string_view id) {
      return std::ranges::any_of(*messages, [&](const django_runtime::DjangoMessage& m) { return m.id == id; });
    };
    CHECK(has("security.W004"));        // SECURE_HSTS_SECONDS unset
    CHECK(has("security.W008"));        // SECURE_SSL_REDIRECT unset
    CHECK_FALSE(has("security.W018"));  // DEBUG is off
    for (const auto& message : *messages)
      if (message.id == "security.W004") CHECK(message.level == 30);
  }

  TEST_CASE("django runtime: a settings module that fails to import gives the reason and where - not the value") {
    testing::TempDir project;
    project.django("import os\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\nPORT = int(os.environ['PORT'])\n");
    auto request = request_for(project);
    request.environment.variables = {{"DJANGO_SECRET_KEY", "s3cr3t-value-from-env-file"}, {"PORT", "s3cr3t-port"}};
    auto messages = django_runtime::run_django_checks(request);
    REQUIRE_FALSE(messages.has_value());
    const std::string& reason = messages.error().message;
    CHECK(reason.find("ValueError") != std::string::npos);
    CHECK(reason.find("mysite/settings.py:3") != std::string::npos);
    CHECK(reason.find("s3cr3t") == std::string::npos);
  }

  TEST_CASE("django runtime: settings that exit or hang end the child - not deployctl") {
    testing::TempDir project;
    project.django("import os\nos._exit(7)\n");
    auto exited = django_runtime::run_django_checks(request_for(project));
    REQUIRE_FALSE(exited.has_value());
    CHECK(exited.error().message.find("exited with status 7") != std::string::npos);

    project.django("import time\ntime.sleep(30)\n");
    auto hung = django_runtime::run_django_checks(request_for(project, 1));
    REQUIRE_FALSE(hung.has_value());
    CHECK(hung.error().message.find("did not finish within 1 seconds") != std::string::npos);
  }

  TEST_CASE("django runtime: messages map to the mirroring DJ rule or RT001 - at the setting's assignment") {
    // DJ004 cannot decide an unknown value statically, so Django's W004 is reported under it.
    const settings::SettingsModel model = settings::evaluate_source(
        "import os\nSECURE_HSTS_SECONDS = int(os.environ['HSTS'])\n", {}, "mysite/settings.py");
    const std::vector<django_runtime::DjangoMessage> messages = {
        {"security.W004", 30, "You have not set a value for the SECURE_HSTS_SECONDS setting.", "", std::nullopt},
        {"admin.E405", 40, "'django.contrib.auth' must be in INSTALLED_APPS in order to use the admin application.", "",
         std::nullopt},
    };
    const rules::RuleContext context{model, nullptr, &messages};
    const std::vector<Finding> findings =
        rules::run_rules(context, [](std::string_view id) { return id == "DJ004" || id == "RT001"; });
    REQUIRE(findings.size() == 2);
    CHECK(findings[1].rule == "DJ004");
    CHECK(findings[1].setting == std::optional<std::string>("SECURE_HSTS_SECONDS"));
    CHECK(findings[1].where.line == 2);
    CHECK(findings[1].django_check == std::optional<std::string>("security.W004"));
    CHECK(findings[0].rule == "RT001");
    CHECK(findings[0].severity == Severity::error);
    CHECK(findings[0].django_check == std::optional<std::string>("admin.E405"));
    CHECK(findings[0].setting == std::optional<std::string>("INSTALLED_APPS"));
    CHECK(findings[0].where.whole_file);
  }

  TEST_CASE("django runtime: merged into check_project - the static finding wins for a shared check id") {
    testing::TempDir project;
    project.django(minimal_settings + "INSTALLED_APPS += ['django.contrib.admin']\n");
    CheckOptions options;
    options.project_dir = project.root();
    options.django_runtime = true;
    auto result = check_project(options);
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    CHECK(result->warnings.empty());
    const auto count_check = [&](std::string_view id) {
      return std::ranges::count_if(result->findings, [&](const Finding& f) { return f.django_check == id; });
    };
    CHECK(count_check("security.W004") == 1);
    const auto hsts = std::ranges::find_if(result->findings, [](const Finding& f) { return f.rule == "DJ004"; });
    REQUIRE(hsts != result->findings.end());
    CHECK(hsts->message.find("Django's system check") == std::string::npos);  // the static one
    CHECK(count_check("admin.E403") == 1);  // templates are not configured for the admin: only Django knows
  }

  TEST_CASE("django runtime: an import failure in check_project is a warning and the static results stand") {
    testing::TempDir project;
    project.django("import not_installed_package_xyz\nDEBUG = True\n");
    CheckOptions options;
    options.project_dir = project.root();
    options.django_runtime = true;
    auto result = check_project(options);
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    REQUIRE(result->warnings.size() == 1);
    CHECK(result->warnings.front().find("ModuleNotFoundError") != std::string::npos);
    CHECK(std::ranges::any_of(result->findings, [](const Finding& f) { return f.rule == "DJ018"; }));
  }
}
