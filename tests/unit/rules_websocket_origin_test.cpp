// CHAN002: the ASGI module is found and read without importing it, Channels' origin validators are recognised
// through the module's own imports, and only an origin check that lets everything through is reported.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "checks/check_project.hpp"
#include "temp_dir.hpp"

namespace deployctl::checks {
namespace {

std::vector<Finding> chan002(const testing::TempDir& project, const std::string& settings_module = "mysite.settings") {
  CheckOptions options;
  options.project_dir = project.root();
  options.settings_module = settings_module;
  options.rules.select = {"CHAN002"};
  auto result = check_project(options);
  REQUIRE_MESSAGE(result.has_value(), result.error().message);
  return result->findings;
}

const std::string router_asgi =
    "from channels.routing import ProtocolTypeRouter, URLRouter\n"
    "from channels.security.websocket import AllowedHostsOriginValidator\n"
    "from django.core.asgi import get_asgi_application\n"
    "\n"
    "application = ProtocolTypeRouter({\n"
    "    'http': get_asgi_application(),\n"
    "    'websocket': AllowedHostsOriginValidator(URLRouter([])),\n"
    "})\n";

}  // namespace

TEST_SUITE("rules-own CHAN002") {
  TEST_CASE("the factory with '*' in ALLOWED_HOSTS: reported at ALLOWED_HOSTS, naming the asgi.py line") {
    testing::TempDir project;
    project.django("DEBUG = False\nALLOWED_HOSTS = ['*']\n").write("mysite/asgi.py", router_asgi);
    const auto found = chan002(project);
    REQUIRE(found.size() == 1);
    CHECK(found[0].where.file == "mysite/settings.py");
    CHECK(found[0].where.line == 2);
    CHECK(found[0].message.find("mysite/asgi.py:7") != std::string::npos);
  }

  TEST_CASE("named host names, or no validator, or a validator of the project's own: nothing") {
    testing::TempDir hosts;
    hosts.django("ALLOWED_HOSTS = ['example.com']\n").write("mysite/asgi.py", router_asgi);
    CHECK(chan002(hosts).empty());
    testing::TempDir plain;
    plain.django("ALLOWED_HOSTS = ['*']\n")
        .write("mysite/asgi.py",
               "from django.core.asgi import get_asgi_application\n"
               "application = get_asgi_application()\n");
    CHECK(chan002(plain).empty());
    testing::TempDir own;
    own.django("ALLOWED_HOSTS = ['*']\n")
        .write("mysite/asgi.py",
               "def AllowedHostsOriginValidator(app):\n    return app\n"
               "application = AllowedHostsOriginValidator(None)\n");
    CHECK(chan002(own).empty());
  }

  TEST_CASE("validators reached through a module alias, settings.ALLOWED_HOSTS, and ASGI_APPLICATION's module") {
    testing::TempDir project;
    project.django("ALLOWED_HOSTS = ['*']\nASGI_APPLICATION = 'mysite.routing.application'\n")
        .write("mysite/routing.py",
               "import channels.security.websocket as security\n"
               "from django.conf import settings\n"
               "def build(app):\n"
               "    return security.OriginValidator(app, allowed_origins=settings.ALLOWED_HOSTS)\n"
               "application = build(None)\n");
    const auto found = chan002(project);
    REQUIRE(found.size() == 1);
    CHECK(found[0].message.find("mysite/routing.py:4") != std::string::npos);
  }

  TEST_CASE("OriginValidator given '*' is reported at the call, whatever ALLOWED_HOSTS holds") {
    testing::TempDir project;
    project.django("ALLOWED_HOSTS = ['example.com']\n")
        .write("mysite/asgi.py",
               "from channels.security.websocket import OriginValidator as Check\n"
               "application = Check(None, ['https://example.com', '*'])\n");
    const auto found = chan002(project);
    REQUIRE(found.size() == 1);
    CHECK(found[0].where.file == "mysite/asgi.py");
    CHECK(found[0].where.line == 2);
  }

  TEST_CASE("settings in a package below the project package: asgi.py is looked for in the parents") {
    testing::TempDir project;
    project.write("config/__init__.py", "")
        .write("config/settings/__init__.py", "")
        .write("config/settings/production.py", "ALLOWED_HOSTS = ['*']\n")
        .write("config/asgi.py", router_asgi);
    CHECK(chan002(project, "config.settings.production").size() == 1);
  }

  TEST_CASE("a wildcard that is only an unset variable's default is left to HOST002") {
    testing::TempDir project;
    project
        .django(
            "import os\n"
            "ALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', '*').split(',')\n")
        .write("mysite/asgi.py", router_asgi);
    CHECK(chan002(project).empty());
  }
}

}  // namespace deployctl::checks
