// Helpers of the cli/report/suppress/orchestrate tests: run deployctl in-process (as bloaty's RunBloaty) and
// build throwaway projects in a fresh temp dir. DEPLOYCTL_KEEP_TEST_DIRS=1 keeps the dirs to inspect them.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run.hpp"

namespace deployctl::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline RunResult run_deployctl(const std::vector<std::string>& args, bool out_is_terminal = false) {
  std::ostringstream out, err;
  RunResult result;
  result.exit_code = deployctl::run(args, out, err, out_is_terminal);
  result.out = out.str();
  result.err = err.str();
  return result;
}

// Runs and requires exit 2 with `deployctl: error: ` and `message` on stderr, nothing on stdout.
inline RunResult expect_failure(const std::vector<std::string>& args, const std::string& message) {
  RunResult result = run_deployctl(args);
  CHECK_MESSAGE(result.exit_code == 2, result.err);
  CHECK(result.err.starts_with("deployctl: error: "));
  CHECK_MESSAGE(result.err.find(message) != std::string::npos, "stderr: " << result.err);
  return result;
}

class TempProject {
 public:
  TempProject() {
    std::string pattern = (std::filesystem::temp_directory_path() / "deployctl-cli-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    root_ = pattern;
  }
  TempProject(const TempProject&) = delete;
  TempProject& operator=(const TempProject&) = delete;
  ~TempProject() {
    if (std::getenv("DEPLOYCTL_KEEP_TEST_DIRS") != nullptr) return;
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  const std::filesystem::path& root() const { return root_; }
  std::string path(const std::string& relative = "") const { return (root_ / relative).string(); }

  const TempProject& write(const std::string& relative, const std::string& content) const {
    const std::filesystem::path file = root_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return *this;
  }

  // A startproject-like layout whose manage.py names `package`.settings, with `settings` as its settings.py.
  const TempProject& django(const std::string& settings, const std::string& package = "mysite") const {
    write("manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', '" + package + ".settings')\n");
    write(package + "/__init__.py", "");
    write(package + "/settings.py", settings);
    return *this;
  }

 private:
  std::filesystem::path root_;
};

}  // namespace deployctl::testing
