// How many findings of each severity a run reported, what suppressions, the baseline and SILENCED_SYSTEM_CHECKS
// dropped, and which settings the rules could not know: every reporter's last line.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "checks/findings/finding.hpp"

namespace deployctl::checks {

struct Summary {
  int error = 0;
  int warning = 0;
  int info = 0;
  int suppressed = 0;  // findings dropped by `# deployctl: ignore[...]`; not part of the three counts
  int baselined = 0;   // findings dropped because --baseline lists them; not part of the three counts either
  int silenced = 0;    // findings dropped because SILENCED_SYSTEM_CHECKS lists their Django check id
  std::vector<std::string> unknown_settings;  // settings a rule needed but could not know (DPL005), sorted

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

  // The same summary over `findings` that remain after a later filter (--baseline, --new-since): the three
  // counts are recounted, what was dropped and what was unknown is kept.
  Summary recounted(std::span<const Finding> findings) const {
    Summary summary = of(findings, suppressed);
    summary.baselined = baselined;
    summary.silenced = silenced;
    summary.unknown_settings = unknown_settings;
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
