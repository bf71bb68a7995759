// Where response bytes go: a client socket (flow-controlled, may wait for the peer) or a string (unit tests and
// the in-process benchmark).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace deployctl::gateway::server {

class Transport {
 public:
  virtual ~Transport() = default;
  // All of `data`, or false when the peer is gone or stopped reading for too long.
  virtual bool write(std::string_view data) = 0;
  // All of `parts`, in order, as write() would send their concatenation (a socket gets them in one system call).
  virtual bool write_parts(std::span<const std::string_view> parts) {
    for (const std::string_view part : parts)
      if (!write(part)) return false;
    return true;
  }
  // Whether a write may wait for the peer: a caller holding the GIL releases it around such writes only.
  virtual bool may_wait() const { return true; }
  // `count` bytes of `fd` from `offset`.
  virtual bool send_file(int fd, std::uint64_t offset, std::uint64_t count) = 0;
};

class StringTransport : public Transport {
 public:
  bool write(std::string_view data) override {
    bytes += data;
    return true;
  }
  bool send_file(int fd, std::uint64_t offset, std::uint64_t count) override;
  std::string bytes;
};

// A non-blocking socket written in full: waits for writability (poll) between partial writes, up to
// `stall_seconds` without progress. sendfile for files.
class SocketTransport : public Transport {
 public:
  SocketTransport(int fd, double stall_seconds) : fd_(fd), stall_ms_(static_cast<int>(stall_seconds * 1000)) {}
  bool write(std::string_view data) override;
  bool write_parts(std::span<const std::string_view> parts) override;
  bool send_file(int fd, std::uint64_t offset, std::uint64_t count) override;

 private:
  bool wait_writable();
  int fd_;
  int stall_ms_;
};

}  // namespace deployctl::gateway::server
