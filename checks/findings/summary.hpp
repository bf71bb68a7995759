// How many findings of each severity a run reported, and how many suppressions dropped: every reporter's last line.
#pragma once

#include <span>

#include "checks/findings/finding.hpp"

namespace deployctl::checks {

struct Summary {
  int error = 0;
  int warning = 0;
  int info = 0;
  int suppressed = 0;  // findings dropped by `# deployctl: ignore[...]`; not part of the three counts
  int baselined = 0;   // findings dropped because --baseline lists them; not part of the three counts either

  static Summary of(std::span<const Finding> findings, int suppressed = 0) {
    Summary summary;
    summary.suppressed = suppressed;
    for (const Finding& finding : findings) {
      switch (finding.severity) {
        case Severity::error: ++summary.error; break;
        case Severity::warning: ++summary.warning; break;
        case Severity::info: ++summary.info; break;
      }
    }
    return summary;
  }

  // Whether anything was reported at `threshold` or above: the run's exit code 1.
  bool reaches(Severity threshold) const {
    switch (threshold) {
      case Severity::info: return error + warning + info > 0;
      case Severity::warning: return error + warning > 0;
      case Severity::error: return error > 0;
    }
    return error > 0;
  }

  bool operator==(const Summary&) const = default;
};

}  // namespace deployctl::checks
