// gateway/websocket's incremental UTF-8 validator: Table 3-7's ranges (overlongs, surrogates, past U+10FFFF), the
// earliest byte that proves a text invalid, and characters cut between pieces.
#include <doctest/doctest.h>

#include <string>

#include "gateway/websocket/utf8_validator.hpp"

using deployctl::gateway::websocket::is_valid_utf8;
using deployctl::gateway::websocket::Utf8Validator;

TEST_SUITE("gateway websocket utf8") {
  TEST_CASE("valid text of every length of character, and the range ends") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("Hello-\xC2\xB5@\xC3\x9F\xC3\xB6\xC3\xA4\xC3\xBC\xC3\xA0\xC3\xA1-UTF-8!!"));
    CHECK(is_valid_utf8("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5"));
    CHECK(is_valid_utf8("\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"));
    CHECK(is_valid_utf8("\xED\x9F\xBF\xEE\x80\x80"));  // U+D7FF and U+E000 surround the surrogates
  }

  TEST_CASE("invalid: stray continuations, overlongs, surrogates, past U+10FFFF, bytes that never occur") {
    for (const char* bad :
         {"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x9F\xBF", "\xF0\x8F\xBF\xBF", "\xED\xA0\x80", "\xED\xBF\xBF",
          "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFE", "\xFF", "\xC2\x41", "\xE1\x80\x41", "\xF1\x80\x80\x41"}) {
      CAPTURE(std::string(bad));
      CHECK_FALSE(is_valid_utf8(bad));
    }
  }

  TEST_CASE("long ASCII runs (read eight bytes at a time) before, between and after other characters") {
    CHECK(
        is_valid_utf8("abcdefghijklmnop\xC3\xA9qrstuvwxyz012345\xF0\x9F\x98\x80"
                      "abcdefgh"));
    CHECK_FALSE(is_valid_utf8("abcdefghijklmnop\xFFqrstuvwx"));
    CHECK_FALSE(
        is_valid_utf8("abcdefgh\xC3"
                      "abcdefghijklmnop"));  // a lead byte followed by an ASCII run
    Utf8Validator validator;
    CHECK(validator.feed("abcdefghijklmno\xE2"));
    CHECK(
        validator.feed("\x82\xAC"
                       "abcdefghijklmnop"));
    CHECK(validator.complete());
  }

  TEST_CASE("a character cut at the end is incomplete, not invalid, and cut between pieces it is fine") {
    Utf8Validator validator;
    CHECK(validator.feed("a\xF0\x9F"));
    CHECK_FALSE(validator.complete());
    CHECK(validator.feed("\x98"));
    CHECK(validator.feed("\x80"));
    CHECK(validator.complete());
  }

  TEST_CASE("the verdict comes at the first byte that cannot be part of valid text, and stays") {
    Utf8Validator validator;
    CHECK(validator.feed("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5"));
    CHECK_FALSE(validator.feed("\xF4\x90"));  // U+110000 and above: known at the second byte
    CHECK_FALSE(validator.feed("a"));
    validator.reset();
    CHECK(validator.feed("\xED"));
    CHECK_FALSE(validator.feed("\xA0"));  // a surrogate: known at the second byte
  }
}
