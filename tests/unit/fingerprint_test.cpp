// Fingerprints: SHA-256 against the standard's vectors, snippet normalisation and masking, stability across
// edits that move a finding, and distinct fingerprints for duplicates.
#include <doctest/doctest.h>

#include "checks/findings/fingerprint.hpp"

using namespace deployctl::checks;

namespace {

Finding at(std::string rule, std::string file, int line, std::string setting = "", bool secret = false) {
  Finding finding;
  finding.rule = std::move(rule);
  finding.where = {std::move(file), line, 1, line, 2};
  if (!setting.empty()) finding.setting = std::move(setting);
  finding.concerns_secret = secret;
  return finding;
}

std::vector<SourceFile> one_file(std::string text) {
  return {SourceFile{"mysite/settings.py", "mysite.settings", std::move(text)}};
}

}  // namespace

TEST_SUITE("fingerprint_hash") {
  TEST_CASE("fingerprint: sha256 matches the FIPS 180-4 test vectors") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1000, 'a')) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
  }
}

TEST_SUITE("fingerprint_snippet") {
  TEST_CASE("fingerprint: snippets collapse whitespace and drop comments") {
    CHECK(normalised_snippet("  DEBUG   =\tTrue   # on for now", false) == "DEBUG = True");
    CHECK(normalised_snippet("ALLOWED_HOSTS = ['*']  # '#' inside", false) == "ALLOWED_HOSTS = ['*']");
    CHECK(normalised_snippet("X = '# not a comment'", false) == "X = '# not a comment'");
  }

  TEST_CASE("fingerprint: masking replaces string literal contents") {
    CHECK(normalised_snippet("SECRET_KEY = 'abc  def'  # old key", true) == "SECRET_KEY = '****'");
    CHECK(normalised_snippet("URL = f\"postgres://u:{pw}@db\"", true) == "URL = f\"****\"");
  }

  TEST_CASE("fingerprint: lines that name a credential are recognised") {
    CHECK(mentions_secret("DATABASE_PASSWORD = 'x'"));
    CHECK(mentions_secret("URL = 'redis://user:pw@host'"));
    CHECK_FALSE(mentions_secret("DEBUG = True"));
  }
}

TEST_SUITE("fingerprint_findings") {
  TEST_CASE("fingerprint: stable when an edit above shifts the finding's line") {
    const auto before = one_file("import os\nDEBUG = True\n");
    const auto after = one_file("import os\n\n# a comment added above\nX = 1\nDEBUG  =  True  # still on\n");
    const auto first = fingerprint_findings(std::vector{at("DJ018", "mysite/settings.py", 2, "DEBUG")}, before);
    const auto second = fingerprint_findings(std::vector{at("DJ018", "mysite/settings.py", 5, "DEBUG")}, after);
    REQUIRE(first.size() == 1);
    REQUIRE(second.size() == 1);
    CHECK(first[0].snippet == "DEBUG = True");
    CHECK(first[0].hash == second[0].hash);
    CHECK(first[0].hash.size() == 64);
  }

  TEST_CASE("fingerprint: changes with the rule, file, setting or line content") {
    const auto sources = one_file("DEBUG = True\nDEBUG = 1\n");
    const auto prints = fingerprint_findings(
        std::vector{at("DJ018", "mysite/settings.py", 1, "DEBUG"), at("DBG001", "mysite/settings.py", 1, "DEBUG"),
                    at("DJ018", "mysite/settings.py", 1, "OTHER"), at("DJ018", "mysite/settings.py", 2, "DEBUG"),
                    at("DJ018", "other.py", 1, "DEBUG")},
        sources);
    for (std::size_t i = 0; i < prints.size(); ++i)
      for (std::size_t j = i + 1; j < prints.size(); ++j) CHECK(prints[i].hash != prints[j].hash);
    CHECK(prints[4].snippet.empty());  // a file that is not among the sources
  }

  TEST_CASE("fingerprint: duplicates get occurrence indexes and distinct hashes") {
    const auto sources = one_file("DEBUG = True\nDEBUG = True\n");
    const auto prints = fingerprint_findings(
        std::vector{at("DJ018", "mysite/settings.py", 1, "DEBUG"), at("DJ018", "mysite/settings.py", 2, "DEBUG")},
        sources);
    CHECK(prints[0].occurrence == 0);
    CHECK(prints[1].occurrence == 1);
    CHECK(prints[0].hash != prints[1].hash);
  }

  TEST_CASE("fingerprint: a secret literal never reaches the snippet, and rotating it keeps the fingerprint") {
    const auto old_key = fingerprint_findings(std::vector{at("SK001", "mysite/settings.py", 1, "SECRET_KEY", true)},
                                              one_file("SECRET_KEY = 'hunter2-old'\n"));
    const auto new_key = fingerprint_findings(std::vector{at("SK001", "mysite/settings.py", 1, "SECRET_KEY", true)},
                                              one_file("SECRET_KEY = 'another-one'\n"));
    CHECK(old_key[0].snippet == "SECRET_KEY = '****'");
    CHECK(old_key[0].hash == new_key[0].hash);
    // Masked even when the rule is not about a secret: the line names a password.
    const auto other = fingerprint_findings(std::vector{at("DB999", "mysite/settings.py", 1)},
                                            one_file("DB = {'PASSWORD': 'hunter2'}\n"));
    CHECK(other[0].snippet == "DB = {'****': '****'}");
  }

  TEST_CASE("fingerprint: a finding about the whole file ignores what its first line says") {
    Finding unset = at("DJ004", "mysite/settings.py", 1, "SECURE_HSTS_SECONDS");
    unset.where.whole_file = true;
    const auto before = fingerprint_findings(std::vector{unset}, one_file("\"\"\"Settings.\"\"\"\nDEBUG = False\n"));
    const auto after = fingerprint_findings(std::vector{unset}, one_file("import os\nDEBUG = False\n"));
    CHECK(before[0].snippet.empty());
    CHECK(before[0].hash == after[0].hash);
  }
}
