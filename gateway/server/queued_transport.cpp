// Parts leave in the order they were given; a byte part is appended to when it is last in the queue, so a stream of
// small chunks stays one part.
#include "gateway/server/queued_transport.hpp"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "gateway/server/gathered_send.hpp"

namespace deployctl::gateway::server {

namespace {

bool would_block() { return errno == EAGAIN || errno == EWOULDBLOCK; }

// One send(2) of `data`, retried on EINTR: the bytes taken, or -1 with errno set.
ssize_t send_bytes(int fd, std::string_view data) {
  for (;;) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent >= 0 || errno != EINTR) return sent;
  }
}

}  // namespace

bool QueuedTransport::send_queued() {
  while (!queue_.empty()) {
    Part& part = queue_.front();
    ssize_t sent = 0;
    if (part.file) {
      auto position = static_cast<off_t>(part.offset);
      const std::size_t chunk = part.left < (1u << 30) ? static_cast<std::size_t>(part.left) : (1u << 30);
      sent = ::sendfile(fd_, part.file.get(), &position, chunk);
      if (sent == 0) return false;  // the file shrank under us: the promised length cannot be kept
    } else {
      sent = send_bytes(fd_, std::string_view(part.bytes).substr(static_cast<std::size_t>(part.offset)));
    }
    if (sent < 0) {
      if (errno == EINTR) continue;
      return would_block();
    }
    const auto count = static_cast<std::uint64_t>(sent);
    last_progress_ = std::chrono::steady_clock::now();
    queued_ -= static_cast<std::size_t>(count);
    part.offset += count;
    const bool finished = part.file ? (part.left -= count) == 0 : part.offset == part.bytes.size();
    if (finished) queue_.pop_front();
  }
  return true;
}

bool QueuedTransport::drain() {
  if (failed_) return false;
  failed_ = !send_queued();
  return !failed_;
}

bool QueuedTransport::queue_added(bool was_empty) {
  if (!drain()) return false;
  if (was_empty && queued_ > 0) backlogged_(context_);
  return true;
}

bool QueuedTransport::write_parts(std::span<const std::string_view> given) {
  if (failed_) return false;
  std::string_view left[max_gathered_parts];
  if (given.size() > max_gathered_parts) return Transport::write_parts(given);
  std::copy(given.begin(), given.end(), left);
  const std::span<std::string_view> parts(left, given.size());
  if (consume_gathered(parts, 0)) return true;
  const bool was_empty = queue_.empty();
  if (was_empty) {
    // Nothing is ahead of these bytes: the socket takes what it can straight from the caller's buffers, and only
    // what it leaves is copied into the queue (a response that fits costs no copy and no allocation).
    last_progress_ = std::chrono::steady_clock::now();  // a stall counts from the first wait
    for (;;) {
      const ssize_t sent = send_gathered(fd_, parts);
      if (sent < 0) {
        if (would_block()) break;
        failed_ = true;
        return false;
      }
      if (consume_gathered(parts, static_cast<std::size_t>(sent))) return true;
    }
  }
  if (was_empty || queue_.back().file) queue_.emplace_back();
  for (const std::string_view part : parts) {
    queue_.back().bytes += part;
    queued_ += part.size();
  }
  if (!was_empty) return drain();
  backlogged_(context_);  // the socket has just said it is full: the owner watches for writability
  return true;
}

bool QueuedTransport::send_file(int fd, std::uint64_t offset, std::uint64_t count) {
  if (failed_) return false;
  if (count == 0) return true;
  const bool was_empty = queue_.empty();
  if (was_empty) last_progress_ = std::chrono::steady_clock::now();
  Part part;
  part.file.reset(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!part.file) return false;
  part.offset = offset;
  part.left = count;
  queue_.push_back(std::move(part));
  queued_ += static_cast<std::size_t>(count);
  return queue_added(was_empty);
}

}  // namespace deployctl::gateway::server
