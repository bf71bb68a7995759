// One sendmsg(2) of several byte ranges in order (a chunk's header, its data and its CRLF), so a streamed chunk
// costs one system call instead of three; the caller keeps what the socket did not take.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <span>
#include <string_view>

namespace deployctl::gateway::server {

// What the socket takes of `parts` without waiting, retried on EINTR: the bytes taken, or -1 with errno set
// (EAGAIN when it takes nothing now). At most max_gathered_parts are offered per call.
ssize_t send_gathered(int fd, std::span<const std::string_view> parts);
inline constexpr std::size_t max_gathered_parts = 8;

// Drops the first `count` bytes of `parts`, across them; true when nothing is left.
bool consume_gathered(std::span<std::string_view> parts, std::size_t count);

}  // namespace deployctl::gateway::server
