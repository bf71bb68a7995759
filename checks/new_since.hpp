// --new-since REF: the same analysis over the project as it was at REF (settings from a tree snapshot, GIT
// findings as of REF), and only the current findings whose fingerprint REF did not have are kept.
#pragma once

#include "checks/check_project.hpp"

namespace deployctl::checks {

// Drops from `result` every finding REF already had (by checks/findings/fingerprint.hpp) and recomputes the summary.
// A settings module REF cannot analyse makes every finding new (said in result.warnings); an unknown REF, or a
// project outside any repository, is an error.
Result<void> keep_new_since(CheckResult& result, const CheckOptions& options);

}  // namespace deployctl::checks
