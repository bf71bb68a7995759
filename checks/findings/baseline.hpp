// Baselines: the findings a team accepts for now, recorded by fingerprint (rule, file, setting, normalised
// snippet; no line numbers), so that only new findings fail the build and fixed ones can be pruned.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/findings/finding.hpp"
#include "checks/findings/fingerprint.hpp"
#include "checks/findings/source_file.hpp"
#include "core/error.hpp"

namespace deployctl::checks {

// One recorded finding: its fingerprint and the parts it was made from, for people reviewing the file.
struct BaselineEntry {
  std::string fingerprint;  // Fingerprint::hash: the only field used for matching
  std::string rule;
  std::string file;
  std::string setting;
  std::string snippet;  // secret literals already masked
  int occurrence = 0;
};

struct Baseline {
  std::vector<BaselineEntry> entries;
};

// The file --write-baseline writes: pretty JSON {"tool","version","baseline":1,"findings":[entry...]} sorted by
// file, rule, setting, snippet and occurrence, so that moving code does not reorder it.
std::string baseline_text(std::span<const Fingerprint> fingerprints);

// Fingerprints the findings and writes the baseline atomically.
Result<void> write_baseline(const std::filesystem::path& file, std::span<const Finding> findings,
                            std::span<const SourceFile> sources);

// Reads a baseline; a missing file, bad JSON or a wrong shape is an error naming the file and the fix.
Result<Baseline> read_baseline(const std::filesystem::path& file);
Result<Baseline> parse_baseline(std::string_view text, std::string_view shown_name);

// What --baseline leaves: the findings not in the baseline (order kept), how many were dropped, and the
// baseline entries that matched nothing (fixed or changed findings: prune them by writing a new baseline).
struct BaselineResult {
  std::vector<Finding> findings;
  int baselined = 0;
  std::vector<BaselineEntry> stale;
};

BaselineResult apply_baseline(const Baseline& baseline, std::vector<Finding> findings,
                              std::span<const SourceFile> sources);

}  // namespace deployctl::checks
