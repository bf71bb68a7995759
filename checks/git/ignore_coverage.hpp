// GIT003's probes: whether git would ignore the files this project's settings make the app write into the working
// tree (uploads under MEDIA_ROOT, LOGGING's log files) and the env file it reads. Nothing is probed on a guess:
// a setting that is unset, unknown or points outside the working tree gives no probe.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "checks/git/repository.hpp"
#include "checks/settings/settings_model.hpp"

namespace deployctl::checks::git {

// One file the app would write (or a deployer would create) in the working tree, and why.
struct IgnoreProbe {
  enum class Kind { media, log_file, env_file };
  Kind kind;
  std::string setting;         // "MEDIA_ROOT", "LOGGING", "" (env files: no setting)
  std::string source;          // "MEDIA_ROOT (mysite/settings.py:40)", "paperless/settings.py calls read_env()"
  std::filesystem::path path;  // absolute: the directory (media) or the file
};

// What the settings say the app writes or reads, as absolute paths (relative ones are taken from the project
// dir, where the app server is normally started).
std::vector<IgnoreProbe> ignore_probes(const settings::SettingsModel& model, const std::filesystem::path& project_dir);

struct IgnoreGap {
  IgnoreProbe probe;
  std::string shown;     // the probed path relative to the project dir (or the repository, when outside it)
  std::string patterns;  // what to add to .gitignore
  std::string message;   // the finding's message
};

// The probes that lie inside the working tree and that git would not ignore.
Result<std::vector<IgnoreGap>> ignore_gaps(const ProjectRepository& project, const std::vector<IgnoreProbe>& probes);

}  // namespace deployctl::checks::git
