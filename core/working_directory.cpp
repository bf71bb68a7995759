// Paths as the user gave them, checked to name the directory the kernel resolved (same device and inode).
#include "core/working_directory.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <system_error>

namespace deployctl {

namespace {

// "/srv/app/current/." normalizes to "/srv/app/current/"; logs and the re-exec show it without the slash.
std::filesystem::path without_trailing_slash(std::filesystem::path path) {
  path = path.lexically_normal();
  if (!path.has_filename() && path.has_relative_path()) path = path.parent_path();
  return path;
}

bool same_directory(const std::filesystem::path& a, const std::filesystem::path& b) {
  struct stat first {};
  struct stat second {};
  return ::stat(a.c_str(), &first) == 0 && ::stat(b.c_str(), &second) == 0 && first.st_dev == second.st_dev &&
         first.st_ino == second.st_ino;
}

}  // namespace

std::filesystem::path working_directory_as_given() {
  std::error_code error;
  const std::filesystem::path resolved = std::filesystem::current_path(error);
  const char* pwd = std::getenv("PWD");
  if (pwd != nullptr && pwd[0] == '/' && same_directory(pwd, ".")) return without_trailing_slash(pwd);
  return resolved;
}

std::filesystem::path absolute_as_given(const std::filesystem::path& path) {
  const std::filesystem::path lexical =
      without_trailing_slash(path.is_absolute() ? path : working_directory_as_given() / path);
  if (same_directory(lexical, path)) return lexical;
  std::error_code error;
  return without_trailing_slash(std::filesystem::absolute(path, error));
}

}  // namespace deployctl
