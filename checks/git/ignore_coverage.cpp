// Probes with libgit2's own ignore logic, so every source git reads counts: nested .gitignore files,
// .git/info/exclude and core.excludesFile. The probes come from the evaluated settings: MEDIA_ROOT, the file
// handlers of LOGGING, and the env file loaders the settings call (django-environ's read_env, python-dotenv,
// python-decouple), which look for .env beside the settings file and above it.
#include "checks/git/ignore_coverage.hpp"

#include <system_error>

namespace deployctl::checks::git {

namespace fs = std::filesystem;

namespace {

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
  out.push_back({IgnoreProbe::Kind::media, "MEDIA_ROOT", "MEDIA_ROOT" + place_of(media->origin),
                 absolute_from(project_dir, media->text)});
}

// logging.FileHandler and its subclasses in logging.handlers (Rotating, TimedRotating, Watched) take `filename`.
void log_probes(const settings::SettingsModel& model, const fs::path& project_dir, std::vector<IgnoreProbe>& out) {
  const settings::Value* logging = model.get("LOGGING");
  const settings::Value* handlers = logging ? logging->get("handlers") : nullptr;
  if (handlers == nullptr || handlers->kind != settings::Value::Kind::dict) return;
  for (const auto& [name, handler] : handlers->entries) {
    const settings::Value* cls = handler.get("class");
    if (cls == nullptr || !cls->is_string() || !cls->text.ends_with("FileHandler")) continue;
    const settings::Value* filename = handler.get("filename");
    if (!is_known_path(filename)) continue;
    const std::string handler_name = name.is_string() ? name.text : "?";
    out.push_back({IgnoreProbe::Kind::log_file, "LOGGING",
                   "LOGGING's handler '" + handler_name + "'" + place_of(filename->origin),
                   absolute_from(project_dir, filename->text)});
  }
}

struct EnvLoader {
  std::string name;         // "read_env()", "load_dotenv()", "decouple"; "" for none
  bool given_path = false;  // called with a path naming .env (BASE_DIR / '.env'), taken as the project dir's
};

// The env file loader a settings file calls, when it reads a .env file (comments skipped). A loader given some
// other path (load_dotenv(path), with path a variable or another name) reads a file this check cannot name, and
// is left alone.
EnvLoader env_loader(std::string_view text) {
  static constexpr std::string_view calls[] = {"read_env(", "load_dotenv(", "read_dotenv(", "dotenv_values("};
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    line = line.substr(0, line.find('#'));
    if (line.find("from decouple import") != std::string_view::npos || line.find("import decouple") == 0)
      return {"decouple", false};  // its config() reads .env (or settings.ini) from the caller's directory upwards
    for (const std::string_view call : calls) {
      const std::size_t at = line.find(call);
      if (at == std::string_view::npos) continue;
      const std::string_view rest = line.substr(at + call.size());
      const std::string_view arguments = rest.substr(0, rest.find(')'));
      const bool no_path = arguments.find_first_not_of(" ") == std::string_view::npos ||
                           arguments.find("find_dotenv") != std::string_view::npos;
      if (no_path || arguments.find(".env") != std::string_view::npos) return {std::string(call) + ")", !no_path};
    }
    start = end + 1;
  }
  return {};
}

// A loader without a path looks beside the file that calls it first, then (python-dotenv, decouple) in the
// directories above: the settings' directory and the project dir are probed. One with a path naming .env is
// taken to mean the project dir's (BASE_DIR / '.env', the common form).
void env_probes(const settings::SettingsModel& model, const fs::path& project_dir, std::vector<IgnoreProbe>& out) {
  const fs::path project_env = (project_dir / ".env").lexically_normal();
  for (const SourceFile& file : model.files) {
    const EnvLoader loader = env_loader(file.text);
    if (loader.name.empty()) continue;
    const std::string source =
        file.path + (loader.name == "decouple" ? " uses python-decouple" : " calls " + loader.name);
    const fs::path beside = ((project_dir / file.path).parent_path() / ".env").lexically_normal();
    if (!loader.given_path) out.push_back({IgnoreProbe::Kind::env_file, "", source, beside});
    if (loader.given_path || beside != project_env)
      out.push_back({IgnoreProbe::Kind::env_file, "", source, project_env});
    return;
  }
}

// `path` relative to `root`, or "" when it is not under it.
std::string relative_inside(const fs::path& path, const fs::path& root) {
  const fs::path relative = path.lexically_relative(root);
  if (relative.empty() || *relative.begin() == "..") return {};
  return relative.generic_string();
}

constexpr std::string_view probe_file_name = "deployctl-probe.png";

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

fs::path probed_path(const IgnoreProbe& probe) {
  const fs::path path = canonical_or_same(probe.path);
  // A directory is probed through a file in it: `media/` patterns match only what is known to be a directory.
  return probe.kind == IgnoreProbe::Kind::media ? path / probe_file_name : path;
}

Result<std::vector<IgnoreGap>> ignore_gaps(const ProjectRepository& project, const std::vector<IgnoreProbe>& probes) {
  const fs::path workdir = canonical_or_same(project.workdir);
  fs::path project_dir = (workdir / project.prefix).lexically_normal();
  if (!project_dir.has_filename()) project_dir = project_dir.parent_path();  // "sub/dir/" as "sub/dir"
  std::vector<IgnoreGap> gaps;
  for (const IgnoreProbe& probe : probes) {
    const fs::path path = canonical_or_same(probe.path);
    const std::string in_repository = relative_inside(path, workdir);
    if (in_repository.empty()) continue;  // outside the working tree: git never sees it
    const std::string probed = relative_inside(probed_path(probe), workdir);
    int ignored = 0;
    if (libgit2().ignore_path_is_ignored(&ignored, project.repository.get(), probed.c_str()) < 0)
      return fail("cannot read the git ignore rules: " + last_error_message());
    if (ignored) continue;
    std::string shown = relative_inside(path, project_dir);
    const bool in_project = !shown.empty();
    if (!in_project) shown = in_repository;
    gaps.push_back(IgnoreGap{probe, std::move(shown), in_project});
  }
  return gaps;
}

}  // namespace deployctl::checks::git
