// Scans the project tree for the newest .py file; a changed stamp is what --reload reloads on.
#include "gateway/server/source_watch.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <system_error>
#include <utility>

namespace deployctl::gateway::server {

SourceWatch::SourceWatch(std::filesystem::path root) : root_(std::move(root)), stamp_(newest_source(root_)) {}

bool SourceWatch::changed(std::int64_t now_ms) {
  if (now_ms < next_look_ms_) return false;
  next_look_ms_ = now_ms + 1000;
  const std::int64_t stamp = newest_source(root_);
  if (stamp == stamp_) return false;
  stamp_ = stamp;
  return true;
}

std::int64_t newest_source(const std::filesystem::path& root) {
  std::int64_t newest = 0;
  std::error_code error;
  std::filesystem::recursive_directory_iterator it(root, std::filesystem::directory_options::skip_permission_denied,
                                                   error);
  for (; !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory(error)) {
      if (name.starts_with(".") || name == "__pycache__" || name == "node_modules" || name == "venv")
        it.disable_recursion_pending();
      continue;
    }
    if (!name.ends_with(".py")) continue;
    struct stat status {};
    if (::stat(it->path().c_str(), &status) == 0)
      newest = std::max<std::int64_t>(newest, status.st_mtim.tv_sec * 1000000000LL + status.st_mtim.tv_nsec);
  }
  return newest;
}

}  // namespace deployctl::gateway::server
