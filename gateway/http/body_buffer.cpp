// Body storage: memory first, then an O_TMPFILE (or mkstemp + unlink) file written with pwrite.
#include "gateway/http/body_buffer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "gateway/http/release_if_large.hpp"

namespace deployctl::gateway::http {

namespace {

int open_unlinked_temp_file(const std::string& configured) {
  std::string directory = configured;
  if (directory.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    directory = (tmpdir != nullptr && *tmpdir != '\0') ? tmpdir : "/tmp";
  }
  int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  // Filesystems without O_TMPFILE (overlay on old kernels, tmpfs on very old ones): create, then unlink.
  std::string name = directory + "/deployctl-body-XXXXXX";
  fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return -1;
  ::unlink(name.c_str());
  return fd;
}

bool write_all_at(int fd, const char* data, std::size_t size, std::uint64_t offset) {
  while (size > 0) {
    const ssize_t written = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
    offset += static_cast<std::uint64_t>(written);
  }
  return true;
}

}  // namespace

BodyBuffer::~BodyBuffer() { refund(); }

bool BodyBuffer::charge(std::uint64_t bytes) {
  if (budget_ == nullptr) return true;
  if (budget_->limit != 0 && budget_->used + bytes > budget_->limit) {
    over_budget_ = true;
    return false;
  }
  budget_->used += bytes;
  return true;
}

// What this body has in its file goes back to the budget.
void BodyBuffer::refund() noexcept {
  if (budget_ != nullptr && in_file_) budget_->used -= std::min<std::uint64_t>(budget_->used, size_);
}

bool BodyBuffer::spill() {
  if (!charge(memory_.size())) return false;
  if (!fd_) {
    fd_.reset(open_unlinked_temp_file(spill_directory_));
    if (!fd_) return false;
  }
  if (!write_all_at(fd_.get(), memory_.data(), memory_.size(), 0)) return false;
  memory_.clear();
  in_file_ = true;
  return true;
}

bool BodyBuffer::append(std::string_view bytes) {
  if (bytes.empty()) return true;
  if (!in_file_ && memory_.size() + bytes.size() > in_memory_limit_ && !spill()) return false;
  if (in_file_) {
    if (!charge(bytes.size())) return false;
    if (!write_all_at(fd_.get(), bytes.data(), bytes.size(), size_)) return false;
  } else {
    memory_.append(bytes);
  }
  size_ += bytes.size();
  return true;
}

void BodyBuffer::clear() noexcept {
  refund();
  over_budget_ = false;
  if (in_file_) {
    // Keep the file for the next spilled body on this connection; a failed truncate only costs disk space
    // until the connection closes, since sizes are tracked here, not read from the file.
    [[maybe_unused]] const int ignored = ::ftruncate(fd_.get(), 0);
    in_file_ = false;
  }
  memory_.clear();
  release_if_large(memory_);
  size_ = 0;
}

Body BodyBuffer::view() const noexcept {
  if (in_file_) return Body{{}, fd_.get(), size_};
  return Body{memory_, -1, size_};
}

}  // namespace deployctl::gateway::http
