// Fingerprints that recognise a finding across runs and across edits that move it to another line: baselines,
// --new-since, SARIF partialFingerprints and GitLab's fingerprint all use them.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/findings/finding.hpp"
#include "checks/findings/source_file.hpp"

namespace deployctl::checks {

// What identifies a finding, without its line number. `snippet` is the finding's source line normalised
// (comment dropped, whitespace runs collapsed to one space, trimmed) with string literals masked as ****
// when the line may hold a secret; `occurrence` counts earlier findings (in report order) with the same
// rule, file, setting and snippet, so that duplicates stay apart.
struct Fingerprint {
  std::string rule;
  std::string file;
  std::string setting;  // "" when the finding is about no setting
  std::string snippet;  // never holds a secret value: safe to write into a baseline
  int occurrence = 0;
  std::string hash;  // 64 lowercase hex digits (SHA-256 of the fields above): the identity to compare

  bool operator==(const Fingerprint&) const = default;
};

// One fingerprint per finding, in the same order. `sources` are the files the findings point into (a
// CheckResult's model.files); a finding whose file or line is not among them, or that is about the whole file
// (SourceSpan::whole_file), gets an empty snippet.
std::vector<Fingerprint> fingerprint_findings(std::span<const Finding> findings, std::span<const SourceFile> sources);

// The snippet of one line as fingerprints use it; `mask_literals` replaces string literal contents by ****.
std::string normalised_snippet(std::string_view line, bool mask_literals);

// Whether a source line may hold a credential, so that its string literals are masked wherever it is shown
// or stored (the text reporter's snippet, fingerprints): it names one, or it has a URL with user info.
bool mentions_secret(std::string_view line);

// SHA-256 of `data` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

}  // namespace deployctl::checks
