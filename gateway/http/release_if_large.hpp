// Buffers reused from request to request keep their capacity, except past 64 KiB: one large request must not
// leave every idle connection holding its size (1,000 connections x 1 MiB is a gigabyte per worker).
#pragma once

#include <cstddef>
#include <string>

namespace deployctl::gateway::http {

inline constexpr std::size_t kept_buffer_capacity = 64 * 1024;

// Call on an empty buffer.
inline void release_if_large(std::string& buffer) {
  if (buffer.capacity() > kept_buffer_capacity) std::string().swap(buffer);
}

}  // namespace deployctl::gateway::http
