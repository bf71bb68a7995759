// GIT003's probes: whether git would ignore the files this project's settings make the app write into the working
// tree (uploads under MEDIA_ROOT, LOGGING's log files) and the env file it reads. Nothing is probed on a guess:
// a setting that is unset, unknown or points outside the working tree gives no probe.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "checks/git/repository.hpp"
#include "checks/git/repository_facts.hpp"
#include "checks/settings/settings_model.hpp"

namespace deployctl::checks::git {

// What the settings say the app writes or reads, as absolute paths (relative ones are taken from the project
// dir, where the app server is normally started).
std::vector<IgnoreProbe> ignore_probes(const settings::SettingsModel& model, const std::filesystem::path& project_dir);

// The path a probe asks git about (absolute, symlinks resolved): the file itself, or a file inside MEDIA_ROOT.
std::filesystem::path probed_path(const IgnoreProbe& probe);

// The probes that lie inside the working tree and that git would not ignore.
Result<std::vector<IgnoreGap>> ignore_gaps(const ProjectRepository& project, const std::vector<IgnoreProbe>& probes);

}  // namespace deployctl::checks::git
