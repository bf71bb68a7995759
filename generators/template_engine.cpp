// Loading, checking and rendering templates with kainjow mustache.
#include "generators/template_engine.hpp"

#include <algorithm>
#include <charconv>

#include "core/files.hpp"
#include "generators/builtin_templates.hpp"

namespace deployctl::generators {

namespace {

// kainjow reports "Unclosed section "x" at 123": a byte offset, turned into a line here.
std::string located(const TemplateSource& source, const std::string& message) {
  const std::size_t at = message.rfind(" at ");
  std::size_t offset = 0;
  if (at != std::string::npos) {
    const char* first = message.data() + at + 4;
    const char* last = message.data() + message.size();
    if (std::from_chars(first, last, offset).ec != std::errc{}) offset = 0;
  }
  const std::string_view before = std::string_view(source.text).substr(0, std::min(offset, source.text.size()));
  const auto line = std::ranges::count(before, '\n') + 1;
  const std::string what = at == std::string::npos ? message : message.substr(0, at);
  return source.shown + ":" + std::to_string(line) + ": template syntax error: " + what;
}

// The Mustache spec drops a line holding only a section, closing or partial tag ("standalone"). kainjow does so
// only for sections that render, leaving a blank line for the others, so it is done here instead: the tag moves
// to the end of the previous line, behind a marker that keeps kainjow's own rule from firing, and the marker is
// removed from the output.
constexpr char standalone_marker = '\x01';

std::string join_standalone_tags(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t newline = text.find('\n', start);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    const std::string_view line = text.substr(start, end - start);
    start = end;
    const auto first = line.find_first_not_of(" \t");
    const auto last = line.find_last_not_of(" \t\r\n");
    const std::string_view tag =
        first == std::string_view::npos ? std::string_view() : line.substr(first, last - first + 1);
    const bool standalone = tag.size() > 4 && tag.starts_with("{{") && tag.ends_with("}}") &&
                            tag.find("{{", 2) == std::string_view::npos &&
                            std::string_view("#^/>").find(tag[2]) != std::string_view::npos;
    if (!standalone) {
      out += line;
    } else if (out.ends_with('\n')) {
      out.pop_back();
      out += standalone_marker;
      out += tag;
      out += '\n';
    } else {
      out += tag;
    }
  }
  return out;
}

}  // namespace

Result<TemplateSource> builtin_template(std::string_view name) {
  for (const BuiltinTemplate& builtin : builtin_templates())
    if (builtin.name == name)
      return TemplateSource{std::string(name), std::string(builtin.text), "built-in template " + std::string(name)};
  return fail("no built-in template named " + std::string(name));
}

Result<TemplateSource> load_template(std::string_view name, const std::optional<std::filesystem::path>& override_dir) {
  if (override_dir) {
    const std::filesystem::path candidate = *override_dir / name;
    std::error_code ec;
    if (std::filesystem::exists(candidate, ec)) {
      auto text = read_text_file(candidate);
      if (!text) return std::unexpected(text.error());
      return TemplateSource{std::string(name), std::move(*text), candidate.string()};
    }
  }
  return builtin_template(name);
}

Result<std::string> render_template(const TemplateSource& source, const Data& data) {
  // Syntax is checked on the text as written, so that error offsets are the file's own.
  kainjow::mustache::mustache as_written{source.text};
  if (!as_written.is_valid()) return fail(located(source, as_written.error_message()));
  kainjow::mustache::mustache compiled{join_standalone_tags(source.text)};
  if (!compiled.is_valid()) return fail(located(source, compiled.error_message()));
  compiled.set_custom_escape([](const std::string& text) { return text; });
  std::string out = compiled.render(data);
  if (!compiled.is_valid()) return fail(source.shown + ": cannot render: " + compiled.error_message());
  std::erase(out, standalone_marker);
  return out;
}

}  // namespace deployctl::generators
