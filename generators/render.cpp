// Rendering one target: its generator fills the data, then each of its files is rendered from its template.
#include "generators/render.hpp"

#include <algorithm>

#include "generators/target_data.hpp"

namespace deployctl::generators {

namespace {

std::string expand_path(std::string_view pattern, const std::string& app) {
  std::string out(pattern);
  for (std::size_t at = out.find("{app}"); at != std::string::npos; at = out.find("{app}", at + app.size()))
    out.replace(at, 5, app);
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

}  // namespace

Result<std::vector<RenderedFile>> render_target(const Target& target, const RenderInputs& inputs) {
  TargetData data;
  if (auto generated = target.generate(inputs, data); !generated) return std::unexpected(generated.error());
  if (!data.missing.empty()) return fail(join_lines(data.missing));
  const kainjow::mustache::data* app = data.data.get("app");
  const std::string app_name = app && app->is_string() ? app->string_value() : "app";
  std::vector<RenderedFile> files;
  for (const FileSpec& spec : target.files) {
    if (std::ranges::find(data.skip_files, spec.template_name) != data.skip_files.end()) continue;
    auto source = load_template(spec.template_name, inputs.templates_dir);
    if (!source) return std::unexpected(source.error());
    auto text = render_template(*source, data.data);
    if (!text) return std::unexpected(text.error());
    while (text->ends_with("\n\n")) text->pop_back();
    if (!text->empty() && text->back() != '\n') *text += '\n';
    files.push_back({expand_path(spec.path, app_name), std::move(*text), spec.mode});
  }
  return files;
}

std::vector<std::string> target_template_names(const Target& target) {
  std::vector<std::string> names;
  for (const FileSpec& spec : target.files) names.emplace_back(spec.template_name);
  const auto uses = [&](std::string_view prefix) {
    return std::ranges::any_of(names, [&](const std::string& name) { return name.starts_with(prefix); });
  };
  if (uses("nginx")) names.emplace_back("nginx-tls.mustache");
  if (uses("systemd.service") || uses("celery") || uses("backup")) names.emplace_back("systemd-hardening.mustache");
  return names;
}

Result<std::string> builtin_template_text(std::string_view name) {
  auto source = builtin_template(name);
  if (!source) return std::unexpected(source.error());
  return source->text;
}

}  // namespace deployctl::generators
