// The table of output formats and the colour decision shared by every caller of a reporter.
#include "checks/report/report.hpp"

#include <cctype>

namespace deployctl::checks::report {

namespace {
constexpr Format format_table[] = {
    {"text", "one block per finding with the source line and a fix hint, then a summary (default)", write_text},
    {"json", "one JSON object: tool, version, findings, silenced, summary (with unknown_settings)", write_json},
    {"sarif", "SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers)", write_sarif},
    {"github", "GitHub Actions workflow commands: annotations on the pull request", write_github},
    {"gitlab", "GitLab Code Quality JSON: findings in merge request widgets", write_gitlab},
    {"junit", "JUnit XML: a test suite per file and a test case per rule, for CI test dashboards", write_junit},
};
}  // namespace

std::span<const Format> formats() { return format_table; }

const Format* find_format(std::string_view name) {
  for (const Format& format : format_table)
    if (format.name == name) return &format;
  return nullptr;
}

std::vector<std::string> format_names() {
  std::vector<std::string> names;
  for (const Format& format : format_table) names.emplace_back(format.name);
  return names;
}

std::string repository_path_of(const std::filesystem::path& project_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path project = fs::weakly_canonical(fs::absolute(project_dir, ec), ec);
  if (ec) return {};
  for (fs::path dir = project;; dir = dir.parent_path()) {
    std::error_code exists_error;
    if (fs::exists(dir / ".git", exists_error)) {
      const std::string relative = project.lexically_relative(dir).generic_string();
      return relative.empty() || relative == "." ? std::string() : relative + "/";
    }
    if (dir == dir.parent_path()) return {};
  }
}

std::string repository_file(const Report& report, const std::string& file) { return report.repository_path + file; }

// The heading `## DJ018 debug-enabled` of share/docs/rules.md gets the anchor #dj018-debug-enabled.
std::string rule_help_uri(std::string_view rule_id, std::string_view rule_name) {
  std::string anchor;
  for (const char c : std::string(rule_id) + "-" + std::string(rule_name))
    anchor += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::string(project_url) + "/blob/main/share/docs/rules.md#" + anchor;
}

bool use_color(bool out_is_terminal, const char* no_color_variable) {
  const bool no_color = no_color_variable != nullptr && *no_color_variable != '\0';
  return out_is_terminal && !no_color;
}

}  // namespace deployctl::checks::report
