// A request body that stays in memory up to a threshold and moves to an unlinked temporary file past it.
// The file descriptor is kept and truncated between requests, so a connection creates at most one file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/http/request.hpp"

namespace deployctl::gateway::http {

class BodyBuffer {
 public:
  BodyBuffer(std::size_t in_memory_limit, std::string spill_directory)
      : in_memory_limit_(in_memory_limit), spill_directory_(std::move(spill_directory)) {}
  ~BodyBuffer();
  BodyBuffer(const BodyBuffer&) = delete;
  BodyBuffer& operator=(const BodyBuffer&) = delete;

  // Appends body bytes; false when the temporary file could not be created or written (disk full, no
  // writable spill directory): the caller refuses the request with 500.
  bool append(std::string_view bytes);
  // Empties the body for the next request (keeps the memory and the file).
  void clear() noexcept;
  std::uint64_t size() const noexcept { return size_; }
  // The body as the request shows it; views valid until the next append() or clear().
  Body view() const noexcept;

 private:
  bool spill();
  std::size_t in_memory_limit_;
  std::string spill_directory_;
  std::string memory_;
  int fd_ = -1;
  bool in_file_ = false;
  std::uint64_t size_ = 0;
};

}  // namespace deployctl::gateway::http
