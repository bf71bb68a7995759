// How many processes serve the project, as the project's own files say: what rules about per-process state
// (sessions in a local-memory cache) need to know, read statically like the settings.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace deployctl::checks::settings {

struct WorkerCount {
  std::int64_t count = 0;
  std::string source;  // where it is written, for messages: "deployctl.toml:12:11", "gunicorn.conf.py:3"
};

// deployctl.toml's (or [tool.deployctl]'s) [serve] workers, else its [deploy] workers, else a module-level
// `workers = N` with N written as a number in gunicorn's config file in the project dir (gunicorn.conf.py, the
// name gunicorn reads by default, or gunicorn_conf.py, gunicorn_config.py, gunicorn.py). nullopt when no file
// says, or says it with something other than a number (cpu_count() * 2 + 1 is several, but not known).
std::optional<WorkerCount> configured_workers(const std::filesystem::path& project_dir);

}  // namespace deployctl::checks::settings
