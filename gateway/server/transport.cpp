// Blocking-with-deadline writes on non-blocking sockets: used for response parts too large to buffer (streams,
// files); small responses never get here, the worker's event loop writes them.
#include "gateway/server/transport.hpp"

#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "gateway/server/gathered_send.hpp"

namespace deployctl::gateway::server {

bool StringTransport::send_file(int fd, std::uint64_t offset, std::uint64_t count) {
  char block[65536];
  while (count > 0) {
    const std::size_t want = count < sizeof block ? static_cast<std::size_t>(count) : sizeof block;
    const ssize_t got = ::pread(fd, block, want, static_cast<off_t>(offset));
    if (got <= 0) return false;
    bytes.append(block, static_cast<std::size_t>(got));
    offset += static_cast<std::uint64_t>(got);
    count -= static_cast<std::uint64_t>(got);
  }
  return true;
}

bool SocketTransport::wait_writable() {
  pollfd entry{fd_, POLLOUT, 0};
  for (;;) {
    const int ready = ::poll(&entry, 1, stall_ms_ > 0 ? stall_ms_ : -1);
    if (ready > 0) return (entry.revents & (POLLERR | POLLHUP | POLLNVAL)) == 0 || (entry.revents & POLLOUT) != 0;
    if (ready == 0) return false;
    if (errno != EINTR) return false;
  }
}

bool SocketTransport::write(std::string_view data) { return write_parts(std::span(&data, 1)); }

bool SocketTransport::write_parts(std::span<const std::string_view> given) {
  std::string_view left[max_gathered_parts];
  if (given.size() > max_gathered_parts) return Transport::write_parts(given);
  std::copy(given.begin(), given.end(), left);
  const std::span<std::string_view> parts(left, given.size());
  if (consume_gathered(parts, 0)) return true;
  for (;;) {
    const ssize_t sent = send_gathered(fd_, parts);
    if (sent > 0) {
      if (consume_gathered(parts, static_cast<std::size_t>(sent))) return true;
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_writable()) continue;
    return false;
  }
}

bool SocketTransport::send_file(int fd, std::uint64_t offset, std::uint64_t count) {
  auto position = static_cast<off_t>(offset);
  while (count > 0) {
    const std::size_t chunk = count < (1u << 30) ? static_cast<std::size_t>(count) : (1u << 30);
    const ssize_t sent = ::sendfile(fd_, fd, &position, chunk);
    if (sent > 0) {
      count -= static_cast<std::uint64_t>(sent);
      continue;
    }
    if (sent == 0) return false;  // the file shrank under us
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_writable()) continue;
    return false;
  }
  return true;
}

}  // namespace deployctl::gateway::server
