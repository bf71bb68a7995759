// The URL-password reader shared by DB002 and the history scan: what counts as a password in a URL's authority.
#include <doctest/doctest.h>

#include "checks/rules/own_helpers.hpp"

namespace deployctl::checks::rules::own {

TEST_SUITE("rules-own url credentials") {
  TEST_CASE("rules-own url_credentials finds the password between the colon and the last at sign") {
    const auto url = url_credentials("postgres://app:s3cr%40t@db.internal:5432/app?sslmode=require");
    REQUIRE(url.has_value());
    CHECK(url->scheme == "postgres");
    CHECK(url->password == "s3cr%40t");
    const auto with_at = url_credentials("mysql://user:p@ss@host/db");  // '@' unescaped in the password
    REQUIRE(with_at.has_value());
    CHECK(with_at->password == "p@ss");
    CHECK(url_credentials("Redis+TLS://:token@cache:6380/0")->scheme == "Redis+TLS");
  }

  TEST_CASE("rules-own url_credentials is empty without a password or a valid scheme") {
    CHECK_FALSE(url_credentials("postgres://app@db/app"));         // user only
    CHECK_FALSE(url_credentials("postgres://app:@db/app"));        // empty password
    CHECK_FALSE(url_credentials("postgres://db/app?user=a:b@c"));  // '@' after the authority
    CHECK_FALSE(url_credentials("://a:b@host"));                   // no scheme
    CHECK_FALSE(url_credentials("my scheme://a:b@host"));          // a space is not a scheme character
    CHECK_FALSE(url_credentials("just text with a:b@c in it"));
  }
}

}  // namespace deployctl::checks::rules::own
