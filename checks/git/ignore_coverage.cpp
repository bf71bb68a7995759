// Probes with libgit2's own ignore logic, so every source git reads counts: nested .gitignore files,
// .git/info/exclude and core.excludesFile. The probes come from the evaluated settings: MEDIA_ROOT, the file
// handlers of LOGGING, and the env file loaders the settings call (django-environ's read_env, python-dotenv,
// python-decouple), which look for .env beside the settings file and above it.
#include "checks/git/ignore_coverage.hpp"

#include <system_error>

namespace deployctl::checks::git {

namespace fs = std::filesystem;

namespace {

const settings::Value* entry_of(const settings::Value& dict, std::string_view key) {
  if (dict.kind != settings::Value::Kind::dict) return nullptr;
  for (const auto& [name, value] : dict.entries)
    if (name.is_string() && name.text == key) return &value;
  return nullptr;
}

bool is_known_path(const settings::Value* value) {
  return value != nullptr && (value->is_string() || value->kind == settings::Value::Kind::path) && !value->text.empty();
}

std::string place_of(const settings::Origin& origin) {
  if (origin.file.empty()) return {};
  return " (" + origin.file + (origin.whole_file ? "" : ":" + std::to_string(origin.position.line)) + ")";
}

fs::path absolute_from(const fs::path& project_dir, const std::string& text) {
  const fs::path path(text);
  return (path.is_absolute() ? path : project_dir / path).lexically_normal();
}

void media_probe(const settings::SettingsModel& model, const fs::path& project_dir, std::vector<IgnoreProbe>& out) {
  const settings::Value* media = model.get("MEDIA_ROOT");
  if (!is_known_path(media)) return;
  out.push_back({"media uploads", "MEDIA_ROOT", "MEDIA_ROOT is '" + media->text + "'" + place_of(media->origin),
                 absolute_from(project_dir, media->text) / "deployctl-probe.png"});
}

// logging.FileHandler and its subclasses in logging.handlers (Rotating, TimedRotating, Watched) take `filename`.
void log_probes(const settings::SettingsModel& model, const fs::path& project_dir, std::vector<IgnoreProbe>& out) {
  const settings::Value* logging = model.get("LOGGING");
  const settings::Value* handlers = logging ? entry_of(*logging, "handlers") : nullptr;
  if (handlers == nullptr || handlers->kind != settings::Value::Kind::dict) return;
  for (const auto& [name, handler] : handlers->entries) {
    const settings::Value* cls = entry_of(handler, "class");
    if (cls == nullptr || !cls->is_string() || !cls->text.ends_with("FileHandler")) continue;
    const settings::Value* filename = entry_of(handler, "filename");
    if (!is_known_path(filename)) continue;
    const std::string handler_name = name.is_string() ? name.text : "?";
    out.push_back({"log file", "LOGGING",
                   "LOGGING's handler '" + handler_name + "' writes to '" + filename->text + "'" +
                       place_of(filename->origin),
                   absolute_from(project_dir, filename->text)});
  }
}

// The loader a settings file calls, by the call's name in its source text (comments skipped): "" for none.
std::string env_loader(std::string_view text) {
  static constexpr std::string_view loaders[] = {"read_env(",   "load_dotenv(",     "read_dotenv(",
                                                 "dotenv_values(", "from decouple import", "import decouple"};
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    line = line.substr(0, line.find('#'));
    for (const std::string_view loader : loaders)
      if (line.find(loader) != std::string_view::npos)
        return std::string(loader.ends_with("(") ? loader.substr(0, loader.size() - 1) : std::string_view("decouple"));
    start = end + 1;
  }
  return {};
}

// An env file loader looks beside the file that calls it first, then (python-dotenv, decouple) in the
// directories above: the settings' directory and the project dir are probed.
void env_probes(const settings::SettingsModel& model, const fs::path& project_dir, std::vector<IgnoreProbe>& out) {
  for (const settings::SourceFile& file : model.files) {
    const std::string loader = env_loader(file.text);
    if (loader.empty()) continue;
    const std::string because = file.path + " reads an env file (" + loader + ")";
    const fs::path beside = (project_dir / file.path).parent_path() / ".env";
    out.push_back({"env file", "", because, beside.lexically_normal()});
    if (beside.lexically_normal() != (project_dir / ".env").lexically_normal())
      out.push_back({"env file", "", because, (project_dir / ".env").lexically_normal()});
    return;
  }
}

// `path` relative to `root`, or "" when it is not under it.
std::string relative_inside(const fs::path& path, const fs::path& root) {
  const fs::path relative = path.lexically_relative(root);
  if (relative.empty() || *relative.begin() == "..") return {};
  return relative.generic_string();
}

fs::path canonical_or_same(const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? path : canonical;
}

}  // namespace

std::vector<IgnoreProbe> ignore_probes(const settings::SettingsModel& model, const fs::path& project_dir) {
  std::vector<IgnoreProbe> probes;
  media_probe(model, project_dir, probes);
  log_probes(model, project_dir, probes);
  env_probes(model, project_dir, probes);
  return probes;
}

Result<std::vector<IgnoreGap>> ignore_gaps(const ProjectRepository& project, const std::vector<IgnoreProbe>& probes) {
  const fs::path workdir = canonical_or_same(project.workdir);
  const fs::path project_dir = workdir / project.prefix;
  std::vector<IgnoreGap> gaps;
  for (const IgnoreProbe& probe : probes) {
    const fs::path path = canonical_or_same(probe.path);
    const std::string in_repository = relative_inside(path, workdir);
    if (in_repository.empty()) continue;  // outside the working tree: git never sees it
    int ignored = 0;
    if (libgit2().ignore_path_is_ignored(&ignored, project.repository.get(), in_repository.c_str()) < 0)
      return fail("cannot read the git ignore rules: " + last_error_message());
    if (ignored) continue;
    std::string shown = relative_inside(path, project_dir);
    if (shown.empty()) shown = in_repository;
    std::string patterns;
    if (probe.what == "media uploads")
      patterns = "`/" + fs::path(in_repository).parent_path().generic_string() + "/`";
    else if (probe.what == "log file")
      patterns = "`*.log`";
    else
      patterns = "`.env` and `.env.*` (with `!.env.example`)";
    gaps.push_back({probe, std::move(shown), std::move(patterns)});
  }
  return gaps;
}

}  // namespace deployctl::checks::git
