// The output formats of `deployctl check`: one table that --format, the config's `format` key and the help read.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/findings/finding.hpp"
#include "checks/findings/summary.hpp"
#include "checks/settings/settings_model.hpp"

namespace deployctl::checks::report {

// Everything a reporter prints: the findings in report order and the sources their lines come from.
struct Report {
  std::span<const Finding> findings;
  Summary summary;
  std::span<const SourceFile> sources;     // looked up by Finding::where.file; may be empty
  std::filesystem::path project_dir;       // text paths are printed as project_dir/file; empty: file as is
  std::string repository_path = {};        // project_dir relative to the repository root, "" or ending in '/': the CI
                                           // formats (sarif, github, gitlab, junit) print repository_path + file
  std::span<const Finding> silenced = {};  // dropped by SILENCED_SYSTEM_CHECKS: --statistics shows them as such
};

struct ReportOptions {
  bool color = false;       // ANSI colours (text only): see use_color
  bool show_source = true;  // text: the source line with carets under each finding (--no-show-source)
  bool quiet = false;       // text: no summary line, so a clean run prints nothing (--quiet)
  bool statistics = false;  // text: counts per rule (write_statistics) instead of the findings (--statistics)
};

using Writer = void (*)(std::ostream& out, const Report& report, const ReportOptions& options);

struct Format {
  std::string_view name;
  std::string_view description;
  Writer write;
};

std::span<const Format> formats();
const Format* find_format(std::string_view name);
std::vector<std::string> format_names();

// The repository the project lives in: the nearest directory from `project_dir` upwards holding a .git
// (directory or file), else `project_dir` itself. Returns `project_dir` relative to it, as Report::repository_path.
std::string repository_path_of(const std::filesystem::path& project_dir);

// The project's home and the address of a rule's section in share/docs/rules.md (SARIF helpUri).
inline constexpr std::string_view project_url = "https://github.com/deployctl/deployctl";
std::string rule_help_uri(std::string_view rule_id, std::string_view rule_name);

// Colour only on a terminal and only when NO_COLOR is unset or empty (https://no-color.org).
bool use_color(bool out_is_terminal, const char* no_color_variable);

// `path:line:col: RULE [severity] message`, the source line with carets under the span (string literals
// masked for secret-related findings), a `help:` line, and a summary line.
void write_text(std::ostream& out, const Report& report, const ReportOptions& options);

// One JSON object on one line: {"tool","version","findings":[...],"silenced":[...],"summary":{...}}. A finding is
// {"rule","severity","message","file","line","column",("commit",)"setting","django_check"}; "silenced" lists the
// findings SILENCED_SYSTEM_CHECKS dropped, in the same shape; "summary" is {"error","warning","info" (the counts of
// "findings"),"suppressed","baselined","silenced" (what was dropped),"unknown_settings" (the settings the rules
// needed but could not know, sorted: a run is fully checked only when it is empty)}.
void write_json(std::ostream& out, const Report& report, const ReportOptions& options);

// SARIF 2.1.0 for code scanning: every rule of the registry under tool.driver.rules, one result per finding
// with a repository-relative location (uriBaseId %SRCROOT%) and partialFingerprints."deployctlFingerprint/v1".
void write_sarif(std::ostream& out, const Report& report, const ReportOptions& options);

// GitHub Actions workflow commands, one line per finding:
// `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::message` (warning -> ::warning, info -> ::notice).
void write_github(std::ostream& out, const Report& report, const ReportOptions& options);

// GitLab Code Quality: a JSON array of {description, check_name, fingerprint, severity, location{path, lines{begin}}}.
// Severity: error -> critical, warning -> major, info -> info (minor and blocker are not used).
void write_gitlab(std::ostream& out, const Report& report, const ReportOptions& options);

// JUnit XML: <testsuites>, one <testsuite> per file that has findings, one <testcase> per rule that fired in
// that file with one <failure> per finding. A clean run is an empty <testsuites>.
void write_junit(std::ostream& out, const Report& report, const ReportOptions& options);

// `--statistics`: one line per rule that fired, `COUNT  RULE  [severity]  name`, most frequent first.
void write_statistics(std::ostream& out, const Report& report, const ReportOptions& options);

// The path a CI format shows for a finding's file: repository_path + file.
std::string repository_file(const Report& report, const std::string& file);

}  // namespace deployctl::checks::report
