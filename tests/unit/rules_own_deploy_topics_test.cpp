// The rules for the deploy topics beyond one settings module: SESS001 reads the worker count from the project's
// deployctl.toml or gunicorn.conf.py, PATH001 looks dotted paths up in the project's source tree, and the
// credential rules (CACHE001, CEL001, SECRET001) speak of a secret by its length only.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "checks/check_project.hpp"
#include "checks/settings/project_modules.hpp"
#include "checks/settings/server_workers.hpp"
#include "temp_dir.hpp"

namespace deployctl::checks {
namespace {

// The findings of `rule`, or of DPL005 about the settings `rule` could not decide with `blind_spots`.
std::vector<Finding> findings_of(const testing::TempDir& project, std::string_view rule, bool blind_spots = false) {
  CheckOptions options;
  options.project_dir = project.root();
  options.settings_module = "mysite.settings";
  options.rules.select = {std::string(rule), "DPL005"};
  auto result = check_project(options);
  REQUIRE_MESSAGE(result.has_value(), result.error().message);
  std::vector<Finding> found;
  for (const Finding& finding : result->findings)
    if (finding.rule == (blind_spots ? "DPL005" : rule)) found.push_back(finding);
  return found;
}

const std::string cached_sessions =
    "SESSION_ENGINE = 'django.contrib.sessions.backends.cache'\n"
    "MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware']\n";

}  // namespace

TEST_SUITE("rules-own deploy topics") {
  TEST_CASE("SESS001: no worker count written: fires and states the assumption") {
    testing::TempDir project;
    project.django(cached_sessions);
    const auto found = findings_of(project, "SESS001");
    REQUIRE(found.size() == 1);
    CHECK(found[0].message.find("no deployctl.toml or gunicorn.conf.py") != std::string::npos);
    CHECK(found[0].where.line == 1);
  }

  TEST_CASE("SESS001: one worker in deployctl.toml: a local-memory cache is shared by the only process") {
    testing::TempDir project;
    project.django(cached_sessions).write("deployctl.toml", "[serve]\nworkers = 1\n");
    CHECK(findings_of(project, "SESS001").empty());
  }

  TEST_CASE("SESS001: gunicorn.conf.py's worker count is named in the message") {
    testing::TempDir project;
    project.django(cached_sessions).write("gunicorn.conf.py", "bind = '0.0.0.0:8000'\nworkers = 4\n");
    const auto found = findings_of(project, "SESS001");
    REQUIRE(found.size() == 1);
    CHECK(found[0].message.find("the 4 worker processes set at gunicorn.conf.py:2") != std::string::npos);
  }

  TEST_CASE("SESS001: a computed gunicorn worker count is not known, and the dummy cache fires with one worker") {
    testing::TempDir project;
    project.write("gunicorn.conf.py", "import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n");
    CHECK_FALSE(settings::configured_workers(project.root()).has_value());
    project.write("deployctl.toml", "[deploy]\nworkers = 1\n")
        .django(cached_sessions + "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.dummy.DummyCache'}}\n");
    const auto found = findings_of(project, "SESS001");
    REQUIRE(found.size() == 1);
    CHECK(found[0].message.find("stores nothing") != std::string::npos);
  }

  TEST_CASE("SESS001: an alias chosen by a condition, every cache shared: decided, no blind spot (pretalx)") {
    testing::TempDir project;
    project.django(
        "import socket\n"
        "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': 'redis://r'}}\n"
        "MIDDLEWARE = ['django.contrib.sessions.middleware.SessionMiddleware']\n"
        "if socket.gethostname() == 'web':\n"
        "    CACHES['sessions'] = {'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': 'redis://r'}\n"
        "    SESSION_ENGINE = 'django.contrib.sessions.backends.cache'\n"
        "    SESSION_CACHE_ALIAS = 'sessions'\n"
        "else:\n"
        "    SESSION_ENGINE = 'django.contrib.sessions.backends.cached_db'\n");
    CHECK(findings_of(project, "SESS001").empty());
    CHECK(findings_of(project, "SESS001", true).empty());
  }

  TEST_CASE("CHAN001: a CONFIG added by a condition leaves the BACKEND known (paperless-ngx)") {
    testing::TempDir project;
    project.django(
        "import socket\n"
        "CHANNEL_LAYERS = {'default': {'BACKEND': 'channels_redis.pubsub.RedisPubSubChannelLayer'}}\n"
        "if socket.gethostname() == 'web':\n"
        "    CHANNEL_LAYERS['default']['CONFIG'] = {'hosts': ['redis://r:6379']}\n");
    CHECK(findings_of(project, "CHAN001").empty());
    CHECK(findings_of(project, "CHAN001", true).empty());
    testing::TempDir in_memory;
    in_memory.django(
        "import socket\n"
        "CHANNEL_LAYERS = {'default': {'BACKEND': 'channels_redis.core.RedisChannelLayer'}}\n"
        "if socket.gethostname() == 'web':\n"
        "    CHANNEL_LAYERS['default']['BACKEND'] = 'channels.layers.InMemoryChannelLayer'\n");
    CHECK(findings_of(in_memory, "CHAN001").empty());
    const auto blind = findings_of(in_memory, "CHAN001", true);
    REQUIRE(blind.size() == 1);
    CHECK(blind[0].setting == std::optional<std::string>("CHANNEL_LAYERS"));
  }

  TEST_CASE("project modules: found as importlib finds them, and a bare top-level directory is not the project's") {
    testing::TempDir project;
    project.write("shop/__init__.py", "")
        .write("shop/views.py", "from .models import *\n")
        .write("shop/plain.py", "class A: pass\n")
        .write("shop/parts/widgets.py", "")
        .write("static/admin.css", "");
    using Kind = settings::ProjectModule::Kind;
    CHECK(settings::find_project_module(project.root(), "shop.plain").kind == Kind::source);
    CHECK(settings::find_project_module(project.root(), "shop.parts").kind == Kind::namespace_package);
    CHECK(settings::find_project_module(project.root(), "shop.parts.widgets").kind == Kind::source);
    CHECK(settings::find_project_module(project.root(), "shop.missing").kind == Kind::missing);
    CHECK(settings::find_project_module(project.root(), "shop.plain.A").kind == Kind::missing);  // not a package
    CHECK(settings::find_project_module(project.root(), "static.admin").kind == Kind::outside);
    CHECK(settings::find_project_module(project.root(), "django.contrib").kind == Kind::outside);
    const auto plain = settings::module_names(project.root() / "shop/plain.py");
    REQUIRE(plain.has_value());
    CHECK(plain->names.contains("A"));
    CHECK_FALSE(plain->open);
    const auto views = settings::module_names(project.root() / "shop/views.py");
    REQUIRE(views.has_value());
    CHECK(views->open);  // a star import may bind anything
  }

  TEST_CASE("PATH001: names bound in top-level blocks, by global and by imports count as defined") {
    testing::TempDir project;
    project.write("shop/__init__.py", "")
        .write("shop/auth.py",
               "try:\n    from .ldap import LdapBackend\nexcept ImportError:\n    LdapBackend = None\n"
               "if True:\n    class EmailBackend: pass\n"
               "def setup():\n    global TokenBackend\n    TokenBackend = object\n")
        .write("shop/ldap.py", "")
        .django(
            "AUTHENTICATION_BACKENDS = ['shop.auth.LdapBackend', 'shop.auth.EmailBackend', 'shop.auth.TokenBackend',"
            " 'shop.auth.PhoneBackend']\n");
    const auto found = findings_of(project, "PATH001");
    REQUIRE(found.size() == 1);
    CHECK(found[0].message.find("'shop.auth.PhoneBackend'") != std::string::npos);
    CHECK(found[0].message.find("shop/auth.py (the module 'shop.auth') defines no 'PhoneBackend'") !=
          std::string::npos);
    CHECK(found[0].setting == std::optional<std::string>("AUTHENTICATION_BACKENDS"));
  }

  TEST_CASE("credential rules: messages give lengths, never the secret, and point at the default") {
    testing::TempDir project;
    project.django(
        "import os\n"
        "CACHES = {'default': {'BACKEND': 'django_redis.cache.RedisCache',\n"
        "    'LOCATION': os.environ.get('REDIS_URL', 'redis://:Zq81s3cr3tLv@redis.mysite.net:6379/0')}}\n");
    const auto found = findings_of(project, "CACHE001");
    REQUIRE(found.size() == 1);
    CHECK(found[0].message.find("s3cr3t") == std::string::npos);
    CHECK(found[0].message.find("a URL with a 12-character password") != std::string::npos);
    CHECK(found[0].message.find("when REDIS_URL is unset") != std::string::npos);
    CHECK(found[0].where.line == 3);
  }
}

}  // namespace deployctl::checks
