// check_project's steps: rule patterns, selection, severity overrides, suppressions and order on a model
// evaluated in memory, and the failures that end a run before any rule runs.
#include <doctest/doctest.h>

#include <algorithm>

#include "checks/check_project.hpp"
#include "checks/rules/registry.hpp"
#include "checks/settings/evaluator.hpp"
#include "cli_support.hpp"

using namespace deployctl;
using namespace deployctl::checks;

namespace {

CheckResult check_source(const std::string& source, const RuleFilter& filter = {}) {
  auto result = check_model(settings::evaluate_source(source, {}, "mysite/settings.py"), filter);
  REQUIRE_MESSAGE(result.has_value(), result.error().message);
  return std::move(*result);
}

std::vector<std::string> rules_of(const CheckResult& result) {
  std::vector<std::string> ids;
  for (const Finding& finding : result.findings) ids.push_back(finding.rule);
  return ids;
}

bool has_rule(const CheckResult& result, std::string_view id) {
  return std::ranges::any_of(result.findings, [&](const Finding& f) { return f.rule == id; });
}

}  // namespace

TEST_SUITE("orchestrate_filter") {
  TEST_CASE("orchestrate: select keeps ids and prefixes, ignore wins over select") {
    RuleFilter filter;
    CHECK(filter.enabled("DJ018"));
    filter.select = {"DJ", "SK001"};
    CHECK(filter.enabled("DJ018"));
    CHECK(filter.enabled("SK001"));
    CHECK_FALSE(filter.enabled("SK002"));
    filter.ignore = {"DJ01"};
    CHECK_FALSE(filter.enabled("DJ018"));
    CHECK(filter.enabled("DJ020"));
  }

  TEST_CASE("orchestrate: the longest matching severity pattern wins") {
    RuleFilter filter;
    filter.severity = {{"DJ018", Severity::info}, {"DJ", Severity::error}};
    CHECK(filter.severity_override("DJ018") == Severity::info);
    CHECK(filter.severity_override("DJ020") == Severity::error);
    CHECK_FALSE(filter.severity_override("SK001").has_value());
  }

  TEST_CASE("orchestrate: rule patterns must name a rule or a prefix of one") {
    CHECK(validate_rule_pattern("DJ018").has_value());
    CHECK(validate_rule_pattern("DJ").has_value());
    CHECK(validate_rule_pattern("DPL004").has_value());
    const auto typo = validate_rule_pattern("DJ0188");
    REQUIRE_FALSE(typo.has_value());
    CHECK(typo.error().message == "unknown rule 'DJ0188'. Did you mean 'DJ018'? Run 'deployctl rules' for the list.");
    CHECK_FALSE(validate_rule_pattern("").has_value());
    CHECK_FALSE(validate_rule_pattern("XYZ").has_value());
  }
}

TEST_SUITE("orchestrate_model") {
  TEST_CASE("orchestrate: rules run on the model and findings come sorted by place") {
    const auto result = check_source("DEBUG = True\nSECRET_KEY = 'x'\n");
    CHECK(has_rule(result, "DJ018"));
    CHECK(std::ranges::is_sorted(result.findings, [](const Finding& a, const Finding& b) {
      return std::tie(a.where.file, a.where.line, a.where.column, a.rule) <
             std::tie(b.where.file, b.where.line, b.where.column, b.rule);
    }));
    CHECK(result.summary == Summary::of(result.findings));
  }

  TEST_CASE("orchestrate: selection keeps unselected rules from running") {
    RuleFilter filter;
    filter.select = {"DJ018"};
    CHECK(rules_of(check_source("DEBUG = True\n", filter)) == std::vector<std::string>{"DJ018"});
    filter.ignore = {"DJ"};
    CHECK(check_source("DEBUG = True\n", filter).findings.empty());
  }

  TEST_CASE("orchestrate: severity overrides apply to findings and to the summary") {
    RuleFilter filter;
    filter.select = {"DJ018"};
    filter.severity = {{"DJ018", Severity::error}};
    const auto result = check_source("DEBUG = True\n", filter);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].severity == Severity::error);
    CHECK(result.summary.error == 1);
    CHECK(result.summary.warning == 0);
  }

  TEST_CASE("orchestrate: an inline suppression drops the finding and is counted") {
    RuleFilter filter;
    filter.select = {"DJ018", "DPL004"};
    const auto result = check_source("DEBUG = True  # deployctl: ignore[DJ018] staging only\n", filter);
    CHECK(result.findings.empty());
    CHECK(result.summary.suppressed == 1);
  }

  TEST_CASE("orchestrate: DPL004's own examples fire and pass") {
    const rules::Rule* rule = rules::find_rule("DPL004");
    REQUIRE(rule != nullptr);
    CHECK(has_rule(check_source(std::string(rule->info.example_fires)), "DPL004"));
    CHECK_FALSE(has_rule(check_source(std::string(rule->info.example_passes)), "DPL004"));
  }

  TEST_CASE("orchestrate: an unknown pattern fails before anything runs") {
    RuleFilter filter;
    filter.ignore = {"DJ9999"};
    const auto result = check_model(settings::evaluate_source("DEBUG = True\n", {}), filter);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.find("unknown rule 'DJ9999'") != std::string::npos);
  }
}

TEST_SUITE("orchestrate_project") {
  TEST_CASE("orchestrate: a missing or non-directory project dir is an error naming it") {
    testing::TempDir project;
    CheckOptions options;
    options.project_dir = project.root() / "nope";
    auto missing = check_project(options);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().message.find("nope does not exist") != std::string::npos);

    project.write("file.txt", "x");
    options.project_dir = project.root() / "file.txt";
    auto not_dir = check_project(options);
    REQUIRE_FALSE(not_dir.has_value());
    CHECK(not_dir.error().message.find("is not a directory") != std::string::npos);
  }

  TEST_CASE("orchestrate: the environment reaches the evaluator, env files before --env") {
    testing::TempDir project;
    project.django("import os\nDEBUG = os.environ.get('DJANGO_DEBUG') == '1'\n");
    project.write(".env", "DJANGO_DEBUG=1\n");
    CheckOptions options;
    options.project_dir = project.root();
    options.rules.select = {"DJ018"};
    auto clean = check_project(options);
    REQUIRE_MESSAGE(clean.has_value(), clean.error().message);
    CHECK(clean->findings.empty());

    options.env_files = {project.root() / ".env"};
    auto from_file = check_project(options);
    REQUIRE_MESSAGE(from_file.has_value(), from_file.error().message);
    CHECK(rules_of(*from_file) == std::vector<std::string>{"DJ018"});
    CHECK(from_file->findings[0].where.file == "mysite/settings.py");

    options.env = {"DJANGO_DEBUG=0"};
    auto overridden = check_project(options);
    REQUIRE_MESSAGE(overridden.has_value(), overridden.error().message);
    CHECK(overridden->findings.empty());
  }

  TEST_CASE("orchestrate: --settings wins over the config's settings, which wins over manage.py") {
    testing::TempDir project;
    project.django("DEBUG = False\n");
    project.write("mysite/dev.py", "DEBUG = True\n");
    CheckOptions options;
    options.project_dir = project.root();
    options.rules.select = {"DJ018"};
    options.config_settings = "mysite.dev";
    auto from_config = check_project(options);
    REQUIRE_MESSAGE(from_config.has_value(), from_config.error().message);
    CHECK(from_config->model.settings_module == "mysite.dev");
    options.settings_module = "mysite.settings";
    auto from_flag = check_project(options);
    REQUIRE_MESSAGE(from_flag.has_value(), from_flag.error().message);
    CHECK(from_flag->model.settings_module == "mysite.settings");
  }
}
