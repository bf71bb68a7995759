// `deployctl serve --print-config`: flags merged over [serve] in deployctl.toml (a flag wins), defaults, and
// bad values named with their flag.
#include <doctest/doctest.h>

#include <fstream>

#include "cli_support.hpp"

using deployctl::testing::expect_failure;
using deployctl::testing::run_deployctl;
using deployctl::testing::TempDir;

namespace {

bool has_line(const std::string& out, const std::string& line) { return out.find(line + "\n") != std::string::npos; }

}  // namespace

TEST_SUITE("gateway_server config") {
  TEST_CASE("defaults with an explicit app") {
    TempDir project;
    const auto result = run_deployctl({"serve", "app:application", "--chdir", project.path(), "--print-config"});
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    CHECK(has_line(result.out, "app = \"app:application\""));
    CHECK(has_line(result.out, "bind = [\"127.0.0.1:8000\"]"));
    CHECK(has_line(result.out, "timeout = 30"));
    CHECK(has_line(result.out, "keep-alive = 2"));
    CHECK(has_line(result.out, "limit-request-line = 4094"));
    CHECK(has_line(result.out, "forwarded-allow-ips = \"127.0.0.1,::1\""));
    CHECK(has_line(result.out, "static = []"));
  }

  TEST_CASE("the config's [serve] keys apply and flags win over them") {
    TempDir project;
    project.write(
        "deployctl.toml",
        "[serve]\nbind = [\"127.0.0.1:9001\", \"unix:/tmp/x.sock\"]\nworkers = 3\ntimeout = 12\n"
        "access-log-json = true\nlog-level = \"debug\"\nstatic = [\"/assets/=public\"]\napp = \"site.wsgi\"\n");
    const auto from_config = run_deployctl({"serve", "--chdir", project.path(), "--print-config"});
    REQUIRE_MESSAGE(from_config.exit_code == 0, from_config.err);
    CHECK(has_line(from_config.out, "app = \"site.wsgi\""));
    CHECK(has_line(from_config.out, "bind = [\"127.0.0.1:9001\", \"unix:/tmp/x.sock\"]"));
    CHECK(has_line(from_config.out, "workers = 3"));
    CHECK(has_line(from_config.out, "timeout = 12"));
    CHECK(has_line(from_config.out, "access-log-json = true"));
    CHECK(has_line(from_config.out, "log-level = \"debug\""));
    CHECK(has_line(from_config.out, "static = [\"/assets/=" + project.path("public") + "\"]"));

    const auto flags = run_deployctl({"serve", "other:app", "--chdir", project.path(), "--bind", "127.0.0.1:7000",
                                      "--workers", "1", "--timeout", "5", "--no-static", "--print-config"});
    REQUIRE_MESSAGE(flags.exit_code == 0, flags.err);
    CHECK(has_line(flags.out, "app = \"other:app\""));
    CHECK(has_line(flags.out, "bind = [\"127.0.0.1:7000\"]"));
    CHECK(has_line(flags.out, "workers = 1"));
    CHECK(has_line(flags.out, "timeout = 5"));
    CHECK(has_line(flags.out, "static = []"));
  }

  TEST_CASE("--threads is taken as given, with no warning, and bounded") {
    TempDir project;
    const auto threaded =
        run_deployctl({"serve", "app:application", "--chdir", project.path(), "--threads", "4", "--print-config"});
    REQUIRE_MESSAGE(threaded.exit_code == 0, threaded.err);
    CHECK(has_line(threaded.out, "threads = 4"));
    CHECK(threaded.err.find("--threads") == std::string::npos);
    const auto single = run_deployctl({"serve", "app:application", "--chdir", project.path(), "--print-config"});
    CHECK(has_line(single.out, "threads = 1"));
    expect_failure({"serve", "a:b", "--chdir", project.path(), "--threads", "0", "--print-config"}, "--threads");
    expect_failure({"serve", "a:b", "--chdir", project.path(), "--threads", "257", "--print-config"}, "--threads");
  }

  TEST_CASE("the example project's app and static files are found without importing it") {
    const std::string mysite = std::string(DEPLOYCTL_SOURCE_DIR) + "/share/examples/mysite";
    const auto result = run_deployctl({"serve", "--chdir", mysite, "--print-config"});
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    CHECK(has_line(result.out, "app = \"mysite.wsgi:application\""));
  }

  TEST_CASE("bad values are refused naming the flag") {
    TempDir project;
    expect_failure({"serve", "a:b", "--chdir", project.path(), "--workers", "0", "--print-config"}, "--workers");
    expect_failure({"serve", "a:b", "--chdir", project.path(), "--log-level", "loud", "--print-config"}, "--log-level");
    expect_failure({"serve", "a:b", "--chdir", project.path(), "--umask", "9", "--print-config"}, "--umask");
    expect_failure({"serve", "a:b", "--chdir", project.path(), "--header-timeout", "0", "--print-config"},
                   "--header-timeout");
    expect_failure({"serve", "a:b", "--chdir", project.path(), "--static", "nodir", "--print-config"}, "--static");
    expect_failure({"serve", "not valid", "--chdir", project.path(), "--print-config"}, "module:callable");
    expect_failure({"serve", "--chdir", project.path() + "/missing", "--print-config"}, "--chdir");
  }

  TEST_CASE("an unknown [serve] key is named with its file and line") {
    TempDir project;
    project.write("deployctl.toml", "[serve]\nworkerz = 3\n");
    expect_failure({"serve", "a:b", "--chdir", project.path(), "--print-config"}, "unknown key 'workerz'");
  }
}
