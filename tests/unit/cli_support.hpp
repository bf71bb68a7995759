// Helpers of the cli/report/suppress/orchestrate tests: run deployctl in-process (as bloaty's RunBloaty), on
// throwaway projects in a TempDir (temp_dir.hpp).
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
#include "temp_dir.hpp"

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

}  // namespace deployctl::testing
