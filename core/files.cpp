// File I/O with the checks every caller would otherwise repeat: size, binary content, atomic replace.
#include "core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/unique_fd.hpp"

namespace deployctl {

namespace fs = std::filesystem;

Result<std::string> read_text_file(const fs::path& path, std::size_t max_bytes) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return fail(path.string() + ": no such file");
  if (fs::is_directory(status)) return fail(path.string() + ": is a directory, expected a file");
  const auto size = fs::file_size(path, ec);
  if (ec) return fail(path.string() + ": cannot read: " + ec.message());
  if (size > max_bytes)
    return fail(path.string() + ": file is " + std::to_string(size) + " bytes, more than the " +
                std::to_string(max_bytes) + " bytes deployctl reads; is this really a source file?");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path.string() + ": cannot open: " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string content = std::move(buffer).str();
  if (content.find('\0') != std::string::npos)
    return fail(path.string() + ": looks binary (contains NUL bytes), expected a text file");
  return content;
}

Result<void> write_file_atomically(const fs::path& path, std::string_view content, fs::perms mode) {
  const fs::path directory = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::string pattern = (directory / ("." + path.filename().string() + ".XXXXXX")).string();
  UniqueFd fd(::mkstemp(pattern.data()));
  if (!fd) return fail(path.string() + ": cannot write in " + directory.string() + ": " + std::strerror(errno));
  const auto cleanup_and_fail = [&](const std::string& what) -> Result<void> {
    const int saved = errno;
    fd.reset();
    ::unlink(pattern.c_str());
    return fail(path.string() + ": " + what + ": " + std::strerror(saved));
  };
  if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) return cleanup_and_fail("cannot set mode");
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return cleanup_and_fail("cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return cleanup_and_fail("cannot flush");
  if (!fd.close()) return cleanup_and_fail("cannot close");
  if (::rename(pattern.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(pattern.c_str());
    return fail(path.string() + ": cannot replace: " + std::strerror(saved));
  }
  return {};
}

std::string display_path(const fs::path& path, const fs::path& base) {
  std::error_code ec;
  const fs::path absolute_path = fs::weakly_canonical(path, ec);
  const fs::path absolute_base = fs::weakly_canonical(base, ec);
  if (!ec) {
    const fs::path relative = absolute_path.lexically_relative(absolute_base);
    if (!relative.empty() && *relative.begin() != "..") return relative.generic_string();
  }
  return path.generic_string();
}

}  // namespace deployctl
