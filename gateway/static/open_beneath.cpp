// openat2(RESOLVE_BENEATH) with a fallback that walks the path one component at a time with O_NOFOLLOW.
#include "gateway/static/open_beneath.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>

#include "core/unique_fd.hpp"

namespace deployctl::gateway::static_files {

namespace {

constexpr int file_flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;

std::atomic<bool> openat2_missing{false};

int open_walking(int directory_fd, char* path) {
  // Each intermediate component must be a real directory (O_NOFOLLOW | O_DIRECTORY); the last a non-symlink.
  int current = directory_fd;
  UniqueFd walked;  // `current` once it is a directory opened on the way, not the caller's
  char* component = path;
  while (true) {
    char* slash = std::strchr(component, '/');
    if (slash == nullptr) break;
    *slash = '\0';
    if (*component != '\0') {
      walked.reset(::openat(current, component, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!walked) return -1;
      current = walked.get();
    }
    component = slash + 1;
  }
  const int fd = ::openat(current, component, file_flags | O_NOFOLLOW);
  const int saved = errno;  // the caller reads why the open failed; closing `walked` must not change it
  walked.reset();
  errno = saved;
  return fd;
}

}  // namespace

bool is_safe_relative_path(std::string_view relative) noexcept {
  if (relative.empty()) return false;
  if (relative.find('\0') != std::string_view::npos || relative.find('\\') != std::string_view::npos) return false;
  while (!relative.empty()) {
    const auto slash = relative.find('/');
    const auto segment = relative.substr(0, slash);
    if (segment == "." || segment == "..") return false;
    if (slash == std::string_view::npos) break;
    relative.remove_prefix(slash + 1);
  }
  return true;
}

void use_openat2(bool enabled) noexcept { openat2_missing.store(!enabled, std::memory_order_relaxed); }

int open_beneath(int directory_fd, std::string_view relative) {
  char path[PATH_MAX];
  if (relative.size() >= sizeof path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(path, relative.data(), relative.size());
  path[relative.size()] = '\0';
  if (!openat2_missing.load(std::memory_order_relaxed)) {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(file_flags);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    const long fd = ::syscall(SYS_openat2, directory_fd, path, &how, sizeof how);
    if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
    openat2_missing.store(true, std::memory_order_relaxed);
  }
  return open_walking(directory_fd, path);
}

}  // namespace deployctl::gateway::static_files
