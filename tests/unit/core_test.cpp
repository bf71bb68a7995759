// The shared core: did-you-mean and the file I/O every command relies on.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/files.hpp"
#include "core/suggest.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace deployctl;

TEST_SUITE("core") {
  TEST_CASE("edit distance counts typos, transpositions as one") {
    CHECK(edit_distance("check", "check") == 0);
    CHECK(edit_distance("chek", "check") == 1);
    CHECK(edit_distance("chekc", "check") == 1);
    CHECK(edit_distance("CHECK", "check") == 0);
    CHECK(edit_distance("", "abc") == 3);
  }

  TEST_CASE("did you mean suggests only plausible typos") {
    const std::vector<std::string> commands{"check", "rules", "explain", "help"};
    CHECK(did_you_mean("chekc", commands) == " Did you mean 'check'?");
    CHECK(did_you_mean("expalin", commands) == " Did you mean 'explain'?");
    CHECK(did_you_mean("deploy", commands).empty());
    CHECK_FALSE(closest_match("xyz", commands).has_value());
  }

  TEST_CASE("read_text_file refuses what is not a text file") {
    const testing::TempDir scratch;
    const fs::path& dir = scratch.root();
    CHECK(read_text_file(dir / "missing.py").error().message.find("no such file") != std::string::npos);
    CHECK(read_text_file(dir).error().message.find("is a directory") != std::string::npos);
    {
      std::ofstream binary(dir / "binary.py", std::ios::binary);
      binary << "A = 1\n" << '\0' << "B";
    }
    CHECK(read_text_file(dir / "binary.py").error().message.find("binary") != std::string::npos);
    {
      std::ofstream big(dir / "big.py");
      big << std::string(2000, 'x');
    }
    CHECK(read_text_file(dir / "big.py", 1000).error().message.find("more than the 1000 bytes") != std::string::npos);
    CHECK(read_text_file(dir / "big.py", 4000).value().size() == 2000);
  }

  TEST_CASE("atomic writes replace the file whole and keep the mode") {
    const testing::TempDir scratch;
    const fs::path& dir = scratch.root();
    const fs::path target = dir / "app.env";
    REQUIRE(write_file_atomically(target, "OLD=1\n").has_value());
    REQUIRE(write_file_atomically(target, "NEW=2\n", fs::perms::owner_read | fs::perms::owner_write).has_value());
    CHECK(read_text_file(target).value() == "NEW=2\n");
    CHECK((fs::status(target).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++files;
    CHECK(files == 1);  // no temp file left behind
    const auto unwritable = write_file_atomically(dir / "no-such-dir" / "x.conf", "x");
    REQUIRE_FALSE(unwritable.has_value());
    CHECK(unwritable.error().message.find("cannot write in") != std::string::npos);
  }

  TEST_CASE("display paths are relative to the project when inside it") {
    CHECK(display_path("/srv/app/mysite/settings.py", "/srv/app") == "mysite/settings.py");
    CHECK(display_path("/etc/other.py", "/srv/app") == "/etc/other.py");
  }
}
