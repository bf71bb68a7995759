// The output formats of `deployctl check`: one table that --format, the config's `format` key and the help read.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/finding.hpp"
#include "checks/settings/settings_model.hpp"
#include "checks/summary.hpp"

namespace deployctl::checks::report {

// Everything a reporter prints: the findings in report order and the sources their lines come from.
struct Report {
  std::span<const Finding> findings;
  Summary summary;
  std::span<const settings::SourceFile> sources;  // looked up by Finding::where.file; may be empty
  std::filesystem::path project_dir;              // text paths are printed as project_dir/file; empty: file as is
};

struct ReportOptions {
  bool color = false;  // ANSI colours (text only): see use_color
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

// Colour only on a terminal and only when NO_COLOR is unset or empty (https://no-color.org).
bool use_color(bool out_is_terminal, const char* no_color_variable);

// `path:line:col: RULE [severity] message`, the source line with carets under the span (string literals
// masked for secret-related findings), a `help:` line, and a summary line.
void write_text(std::ostream& out, const Report& report, const ReportOptions& options);

// One JSON object on one line: {"tool","version","findings":[...],"summary":{"error","warning","info"}}.
void write_json(std::ostream& out, const Report& report, const ReportOptions& options);

}  // namespace deployctl::checks::report
