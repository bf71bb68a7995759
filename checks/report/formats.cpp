// The table of output formats and the colour decision shared by every caller of a reporter.
#include "checks/report/report.hpp"

namespace deployctl::checks::report {

namespace {
constexpr Format format_table[] = {
    {"text", "one block per finding with the source line and a fix hint, then a summary (default)", write_text},
    {"json", "one JSON object: tool, version, findings, summary", write_json},
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

bool use_color(bool out_is_terminal, const char* no_color_variable) {
  const bool no_color = no_color_variable != nullptr && *no_color_variable != '\0';
  return out_is_terminal && !no_color;
}

}  // namespace deployctl::checks::report
