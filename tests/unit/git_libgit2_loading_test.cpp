// libgit2 is loaded on first use, and its start-up skips the CA bundle and libssh2's start without breaking mbedTLS
// or libssh2 for others.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "checks/git/libgit2_api.hpp"
#include "checks/git/repository.hpp"
#include "cli_support.hpp"

extern "C" int mbedtls_x509_crt_parse_file(void* chain, const char* path);
extern "C" int libssh2_init(int flags);

namespace deployctl::checks::git {

TEST_SUITE("git libgit2 loading") {
  TEST_CASE("the loader resolves every function checks/git calls") {
    auto loaded = load_libgit2();
    REQUIRE(loaded.has_value());
    CHECK(bool((*loaded)->repository_open_ext));
    CHECK(bool((*loaded)->ignore_path_is_ignored));
    CHECK(&libgit2() == *loaded);
  }

  TEST_CASE("a directory outside any repository opens as no repository") {
    testing::TempDir project;
    const char* saved = std::getenv("GIT_CEILING_DIRECTORIES");
    const std::string previous = saved ? saved : "";
    ::setenv("GIT_CEILING_DIRECTORIES", project.root().parent_path().c_str(), 1);
    auto opened = open_project_repository(project.root());
    if (saved)
      ::setenv("GIT_CEILING_DIRECTORIES", previous.c_str(), 1);
    else
      ::unsetenv("GIT_CEILING_DIRECTORIES");
    REQUIRE(opened.has_value());
    CHECK_FALSE(opened->has_value());
  }

  TEST_CASE("outside libgit2's start-up the CA parser is mbedTLS's own") {
    REQUIRE(load_libgit2().has_value());
    // mbedtls_x509_crt is larger than this buffer needs to be for a failed parse; the real function reports
    // the missing file instead of pretending it loaded it.
    alignas(16) unsigned char chain[4096] = {};
    const std::filesystem::path missing = std::filesystem::temp_directory_path() / "deployctl-no-such-ca.pem";
    CHECK(mbedtls_x509_crt_parse_file(chain, missing.c_str()) != 0);
  }

  TEST_CASE("outside libgit2's start-up libssh2_init is libssh2's own") {
    REQUIRE(load_libgit2().has_value());
    // The definition here forwards to libssh2 loaded with libgit2; it fails when it finds none.
    CHECK(libssh2_init(0) == 0);
  }
}

}  // namespace deployctl::checks::git
