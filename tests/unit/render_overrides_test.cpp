// --set KEY=VALUE for `deployctl render`: the same keys and checks as [deploy] in deployctl.toml.
#include <doctest/doctest.h>

#include "core/config.hpp"
#include "generators/deploy_overrides.hpp"

using namespace deployctl;

TEST_SUITE("render_overrides") {
  TEST_CASE("values are typed by their key") {
    ProjectConfig config;
    REQUIRE(generators::apply_override(config, "deploy.domains=a.example.com, b.example.com"));
    REQUIRE(generators::apply_override(config, "workers=4"));
    REQUIRE(generators::apply_override(config, "deploy.ipv6=false"));
    REQUIRE(generators::apply_override(config, "deploy.tls=none"));
    REQUIRE(generators::apply_override(config, "render.templates=my templates"));
    REQUIRE(config.deploy.domains);
    CHECK(config.deploy.domains->size() == 2);
    CHECK((*config.deploy.domains)[1].value == "b.example.com");
    CHECK(config.deploy.workers->value == 4);
    CHECK_FALSE(config.deploy.ipv6->value);
    CHECK(config.deploy.tls->value == "none");
    CHECK(config.render.templates->value == "my templates");
  }

  TEST_CASE("a later --set replaces the config file's value") {
    auto config = parse_project_config("[deploy]\napp = \"shop\"\nuser = \"shop\"\n", "deployctl.toml", false);
    REQUIRE(config);
    REQUIRE(generators::apply_override(*config, "deploy.app=store"));
    CHECK(config->deploy.app->value == "store");
    CHECK(config->deploy.user->value == "shop");
  }

  TEST_CASE("bad keys and values are errors naming the flag") {
    ProjectConfig config;
    auto typo = generators::apply_override(config, "deploy.domian=x");
    REQUIRE_FALSE(typo);
    CHECK(typo.error().message.starts_with("--set deploy.domian=x: "));
    CHECK(typo.error().message.find("Did you mean 'domains'?") != std::string::npos);
    auto choice = generators::apply_override(config, "deploy.tls=letsencrpyt");
    REQUIRE_FALSE(choice);
    CHECK(choice.error().message.find("Did you mean 'letsencrypt'?") != std::string::npos);
    CHECK_FALSE(generators::apply_override(config, "no-equals-sign"));
    CHECK_FALSE(generators::apply_override(config, "deploy.workers=many"));
  }
}
