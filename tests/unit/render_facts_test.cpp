// Settings facts for `deployctl render`: known values are taken, environment-dependent ones are never guessed.
#include <doctest/doctest.h>

#include "checks/check_project.hpp"
#include "checks/settings/evaluator.hpp"
#include "generators/render.hpp"
#include "generators/settings_facts.hpp"

namespace {

using namespace deployctl;

generators::SettingsFacts facts_of(std::string_view source) {
  auto model = checks::settings::evaluate_source(source, {}, "mysite/settings.py");
  model.settings_module = "mysite.settings";
  auto checked = checks::check_model(std::move(model), {});
  REQUIRE(checked);
  return generators::extract_settings_facts(*checked);
}

}  // namespace

TEST_SUITE("render_facts") {
  TEST_CASE("literal settings become known facts") {
    const auto facts = facts_of(
        "ALLOWED_HOSTS = ['example.com', 'www.example.com']\n"
        "STATIC_URL = '/static/'\nSTATIC_ROOT = '/var/www/static'\n"
        "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')\nSECURE_HSTS_SECONDS = 3600\n"
        "LOGGING = {'version': 1, 'handlers': {'f': {'class': 'logging.FileHandler', 'filename': '/var/log/a.log'}}}\n"
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'shop'}}\n");
    REQUIRE(facts.allowed_hosts.known());
    CHECK(facts.allowed_hosts.value == std::vector<std::string>{"example.com", "www.example.com"});
    CHECK(facts.static_root.value == "/var/www/static");
    CHECK(facts.proxy_ssl_header.value.first == "HTTP_X_FORWARDED_PROTO");
    CHECK(facts.hsts_seconds.value == 3600);
    CHECK(facts.log_files.value == std::vector<std::string>{"/var/log/a.log"});
    CHECK(facts.database.value.engine == "postgresql");
    CHECK(facts.database.value.name == "shop");
    CHECK(facts.settings_module == "mysite.settings");
    CHECK(facts.project_package == "mysite");
  }

  TEST_CASE("values read from the environment are unknown and say which variable") {
    const auto facts = facts_of(
        "import os\nALLOWED_HOSTS = os.environ.get('HOSTS', 'a.example.com').split(',')\n"
        "SECRET_KEY = os.environ['SECRET']\n");
    CHECK(facts.allowed_hosts.unknown());
    CHECK(facts.allowed_hosts.why_unknown.find("HOSTS") != std::string::npos);
    REQUIRE(facts.env.size() == 2);
    CHECK(facts.env[0].name == "HOSTS");
    CHECK_FALSE(facts.env[0].required);
    CHECK(facts.env[1].name == "SECRET");
    CHECK(facts.env[1].required);
  }

  TEST_CASE("a wildcard ALLOWED_HOSTS names no server") {
    const auto facts = facts_of("ALLOWED_HOSTS = ['*']\n");
    CHECK(facts.allowed_hosts.unknown());
    CHECK(facts.allowed_hosts.why_unknown.find("every host") != std::string::npos);
  }

  TEST_CASE("settings never assigned stay unset") {
    const auto facts = facts_of("DEBUG = False\n");
    CHECK(facts.static_root.state == generators::Fact<std::string>::State::unset);
    CHECK(facts.hsts_seconds.state == generators::Fact<std::int64_t>::State::unset);
    CHECK_FALSE(facts.celery);
  }

  TEST_CASE("CELERY settings mean Celery is configured") {
    CHECK(facts_of("CELERY_BROKER_URL = 'redis://localhost'\n").celery);
  }
}
