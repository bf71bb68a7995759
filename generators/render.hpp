// `deployctl render` as a library: the one table of targets (driving --list, dispatch, `all` and did-you-mean),
// and rendering a target into files from the project's config and settings facts.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "generators/settings_facts.hpp"

namespace deployctl::generators {

// Everything a target is rendered from.
struct RenderInputs {
  DeployConfig deploy;                                 // [deploy] with --set applied
  ServeConfig serve;                                   // [serve]: what `deployctl serve` runs, when [deploy] is silent
  SettingsFacts facts;                                 // from the settings analysis
  std::optional<std::filesystem::path> templates_dir;  // override templates (--templates or [render] templates)
  std::string regenerate_args;                         // "share/examples/mysite --config x.toml": for file headers
  std::string config_name = "deployctl.toml";          // how messages name the config
};

// One file a target writes.
struct FileSpec {
  std::string_view template_name;  // in templates/
  std::string_view path;           // under --out; "{app}" stands for the app name
  std::filesystem::perms mode;
};

struct TargetData;  // the Mustache data of one target (generators/target_data.hpp)

struct Target {
  std::string_view name;
  std::string_view summary;
  std::span<const FileSpec> files;
  // Whether `all` renders it for this project (e.g. celery only when Celery is configured).
  bool (*applies)(const RenderInputs& inputs);
  // Fills the template data; a required value that is unknown is an error naming the key and where to set it.
  Result<void> (*generate)(const RenderInputs& inputs, TargetData& data);
};

std::span<const Target> targets();
const Target* find_target(std::string_view name);
std::vector<std::string> target_names();  // the targets, then "all"

struct RenderedFile {
  std::string path;  // relative to --out, '/' separators
  std::string content;
  std::filesystem::perms mode;
};

// Renders every file of `target`. Files whose template section does not apply (the bootstrap site without
// Let's Encrypt) are left out.
Result<std::vector<RenderedFile>> render_target(const Target& target, const RenderInputs& inputs);

// The built-in templates a target uses (its files' and the partials they include), by name.
std::vector<std::string> target_template_names(const Target& target);

// The text of a built-in template, for --eject.
Result<std::string> builtin_template_text(std::string_view name);

}  // namespace deployctl::generators
