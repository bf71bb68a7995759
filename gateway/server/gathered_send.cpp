// MSG_NOSIGNAL: a peer that left must give EPIPE, not kill the worker.
#include "gateway/server/gathered_send.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>

namespace deployctl::gateway::server {

ssize_t send_gathered(int fd, std::span<const std::string_view> parts) {
  iovec vectors[max_gathered_parts];
  std::size_t used = 0;
  for (const std::string_view part : parts) {
    if (part.empty()) continue;
    if (used == max_gathered_parts) break;
    vectors[used++] = {const_cast<char*>(part.data()), part.size()};
  }
  if (used == 0) return 0;
  msghdr message{};
  message.msg_iov = vectors;
  message.msg_iovlen = used;
  for (;;) {
    const ssize_t sent = ::sendmsg(fd, &message, MSG_NOSIGNAL);
    if (sent >= 0 || errno != EINTR) return sent;
  }
}

bool consume_gathered(std::span<std::string_view> parts, std::size_t count) {
  bool empty = true;
  for (std::string_view& part : parts) {
    const std::size_t taken = count < part.size() ? count : part.size();
    part.remove_prefix(taken);
    count -= taken;
    if (!part.empty()) empty = false;
  }
  return empty;
}

}  // namespace deployctl::gateway::server
