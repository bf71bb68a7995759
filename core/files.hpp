// Reading project files defensively and writing files atomically.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace deployctl {

// Settings files and configs larger than this are refused rather than parsed: no real one comes close.
inline constexpr std::size_t max_source_file_bytes = 4 * 1024 * 1024;

// Reads a text file; refuses missing, unreadable, binary (NUL bytes) or oversized files with a message naming the path.
Result<std::string> read_text_file(const std::filesystem::path& path, std::size_t max_bytes = max_source_file_bytes);

// Writes to a temporary file beside `path`, then renames it over `path`: readers never see a partial file.
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                   std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                                                 std::filesystem::perms::owner_write |
                                                                 std::filesystem::perms::group_read |
                                                                 std::filesystem::perms::others_read);

// `path` relative to `base` when it lies under it, else `path` as given; always with '/' separators.
std::string display_path(const std::filesystem::path& path, const std::filesystem::path& base);

}  // namespace deployctl
