// A finding: one problem at one place, as every reporter prints it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deployctl::checks {

enum class Severity { info = 0, warning = 1, error = 2 };

std::string_view to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

// 1-based lines and columns; end_* are 0 when unknown. `file` is relative to the project dir.
struct SourceSpan {
  std::string file;
  int line = 0;
  int column = 0;
  int end_line = 0;
  int end_column = 0;
  bool whole_file = false;  // the finding is about the file (e.g. a setting it never assigns): line 1, column 1
  std::string commit = {};  // "": the working tree. Otherwise the (short) commit whose version of `file` the line
                            // and column are in (GIT002: a file as it was when a secret entered the history)
};

struct Finding {
  std::string rule;                       // our rule id, e.g. "DJ018"
  Severity severity = Severity::warning;  // after per-rule overrides from config
  std::string message;                    // never contains a secret value
  SourceSpan where;
  std::optional<std::string> setting;       // the setting the finding is about, if one
  std::optional<std::string> django_check;  // the matching Django check id, e.g. "security.W018"
  std::string fix;                          // short hint printed under the source line
  bool concerns_secret = false;             // from RuleInfo: reporters mask string literals in the source line
};

// Deterministic report order: file, line, column, rule.
void sort_findings(std::vector<Finding>& findings);

}  // namespace deployctl::checks
