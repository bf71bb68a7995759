// The ASGI worker's transport: writes what the socket takes now and queues the rest (bytes, and file ranges for
// sendfile), so a slow reader never blocks the loop; the worker drains the queue when epoll says the socket is
// writable, and the app's send() waits while the queue is past its high-water mark.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "core/unique_fd.hpp"
#include "gateway/server/transport.hpp"

namespace deployctl::gateway::server {

class QueuedTransport final : public Transport {
 public:
  // uvicorn's marks (flow control of its HTTP protocols): send() suspends past the high one and resumes below the
  // low one, so a streaming app holds at most a few chunks per slow client.
  static constexpr std::size_t high_water = 64 * 1024;
  static constexpr std::size_t low_water = 16 * 1024;

  // `backlogged(context)` is called when the queue stops being empty: the owner then watches for writability.
  QueuedTransport(int fd, void (*backlogged)(void*), void* context)
      : fd_(fd), backlogged_(backlogged), context_(context) {}

  // Never waits: false only when the peer is gone (or was found gone before).
  bool write(std::string_view data) override { return write_parts(std::span(&data, 1)); }
  bool write_parts(std::span<const std::string_view> parts) override;
  bool may_wait() const override { return false; }
  // The range is sent from a duplicate of `fd`, so the caller may close its own at once.
  bool send_file(int fd, std::uint64_t offset, std::uint64_t count) override;

  // Sends what the socket takes of the queue now; false when the peer is gone.
  bool drain();
  std::size_t queued() const { return queued_; }
  bool failed() const { return failed_; }
  // When the socket last took a byte (or the queue was empty), for the worker's stall sweep.
  std::chrono::steady_clock::time_point last_progress() const { return last_progress_; }

 private:
  struct Part {
    std::string bytes;         // a byte part when file is not open
    UniqueFd file;             // a file range
    std::uint64_t offset = 0;  // into bytes (sent so far), or the file's next byte
    std::uint64_t left = 0;    // a file range's bytes still to send
  };
  // Sends from the front of the queue while the socket takes it; false on a hard error.
  bool send_queued();
  // drain(), then tells the owner when what was just queued is still there.
  bool queue_added(bool was_empty);

  int fd_;
  void (*backlogged_)(void*);
  void* context_;
  std::deque<Part> queue_;
  std::size_t queued_ = 0;  // bytes in the queue (files counted by their range's rest)
  bool failed_ = false;
  std::chrono::steady_clock::time_point last_progress_ = std::chrono::steady_clock::now();
};

}  // namespace deployctl::gateway::server
