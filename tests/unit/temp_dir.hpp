// The unit tests' scratch directories: a fresh directory under the system temp dir, removed with everything in it
// when the test ends (DEPLOYCTL_KEEP_TEST_DIRS=1 keeps it to inspect), and the minimal Django project they write.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace deployctl::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "deployctl-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    root_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    if (std::getenv("DEPLOYCTL_KEEP_TEST_DIRS") != nullptr) return;
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  const std::filesystem::path& root() const { return root_; }
  std::string path(const std::string& relative = "") const { return (root_ / relative).string(); }

  // Writes `content` byte for byte to `relative`, creating its directories.
  const TempDir& write(const std::string& relative, const std::string& content) const {
    const std::filesystem::path file = root_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return *this;
  }

  // A startproject-like layout whose manage.py names `package`.settings, with `settings` as its settings.py.
  const TempDir& django(const std::string& settings, const std::string& package = "mysite") const {
    write("manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', '" + package + ".settings')\n");
    write(package + "/__init__.py", "");
    write(package + "/settings.py", settings);
    return *this;
  }

 private:
  std::filesystem::path root_;
};

}  // namespace deployctl::testing
