// The text both repository caches are written in (history_cache, facts_cache): tab-separated lines, ids in hex, a
// found secret as one line, and the identity of the build that wrote them. A field with a tab or newline in it
// cannot be written: the caller skips the cache rather than write a line it could not read back.
#pragma once

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/git/repository_facts.hpp"

namespace deployctl::checks::git {

// $XDG_CACHE_HOME/deployctl/history, else ~/.cache/deployctl/history; nothing when neither variable is set.
std::optional<std::filesystem::path> repository_cache_directory();

// The version and the build of this executable (size and modification time): a rebuilt deployctl may extract or
// weigh secrets differently, so what an earlier build found is no cache for it.
std::string build_identity();

std::uint64_t fnv1a(std::string_view text);

std::string hex(std::string_view raw);
// Raw bytes from 2 * raw_size hex digits; nothing for anything else.
std::optional<std::string> unhex(std::string_view text, std::size_t raw_size);

std::vector<std::string_view> split_tabs(std::string_view line);

// Whether a field can be written into a line: no tab, no line end.
bool clean(std::string_view field);

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

// One found secret as a line (no newline); nothing when a field is not clean. Holds no secret value: names,
// sizes, places and digests only. `commit`, `date` and `path` may be empty (a tracked file's secret).
std::optional<std::string> secret_line(const HistorySecret& secret);
std::optional<HistorySecret> parse_secret_line(std::string_view line);

// Writes a cache file whole (atomically, so a reader never sees half of one) and the owner's only: it names where
// secrets were committed. Best effort: a cache that cannot be written only makes the next run slower.
void write_cache_file(const std::filesystem::path& file, std::string_view text);

// Reads `text` line by line (each without its newline); false once no whole line is left.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : rest_(text) {}
  bool next(std::string_view& line);

 private:
  std::string_view rest_;
};

}  // namespace deployctl::checks::git
