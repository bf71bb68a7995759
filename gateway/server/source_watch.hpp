// --reload's file watching: the newest modification time of the project's .py files, looked at once a second
// from the master's loop (a scan of a project takes milliseconds; no inotify watch per directory to keep).
#pragma once

#include <cstdint>
#include <filesystem>

namespace deployctl::gateway::server {

class SourceWatch {
 public:
  // Takes the first stamp of `root` now.
  explicit SourceWatch(std::filesystem::path root);
  // True once per change: when a second has passed since the last look and the newest stamp differs.
  bool changed(std::int64_t now_ms);

 private:
  std::filesystem::path root_;
  std::int64_t stamp_ = 0;
  std::int64_t next_look_ms_ = 0;
};

// Newest mtime (ns) of the .py files under `root` (hidden, __pycache__, node_modules and venv directories skipped).
std::int64_t newest_source(const std::filesystem::path& root);

}  // namespace deployctl::gateway::server
