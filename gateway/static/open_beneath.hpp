// Opens a file by a relative path without ever leaving a directory: no "..", no absolute path, no symlink
// pointing outside (kernel-checked with openat2 RESOLVE_BENEATH; per-component O_NOFOLLOW where it is missing).
#pragma once

#include <string_view>

namespace deployctl::gateway::static_files {

// True when `relative` is acceptable at all: no NUL, no backslash, no "." or ".." segment, not empty.
bool is_safe_relative_path(std::string_view relative) noexcept;

// An O_RDONLY | O_CLOEXEC | O_NONBLOCK descriptor for `relative` beneath `directory_fd`, or -1 (errno set).
// O_NONBLOCK: a FIFO planted in the directory must not hang the worker (it is then refused as not regular).
// `relative` must satisfy is_safe_relative_path and hold no NUL; it is copied into a NUL-terminated buffer.
int open_beneath(int directory_fd, std::string_view relative);

// Tests only: false makes open_beneath use the per-component fallback, as on kernels without openat2.
void use_openat2(bool enabled) noexcept;

}  // namespace deployctl::gateway::static_files
