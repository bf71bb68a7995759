// The cache file: a header naming the format, the deployctl version and build and the key (repository, project prefix,
// selection), the commit scanned up to, the parsed blob ids, the secrets found, and an end marker (a cut-off
// file is no cache). Tab-separated text; a field with a tab or newline in it (a strange path) is not cached.
#include "checks/git/history_cache.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "checks/git/cache_text.hpp"

namespace deployctl::checks::git {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view format_line = "deployctl history cache 2";

std::string header_line() { return std::string(format_line) + "\t" + build_identity(); }

std::string cache_key(const ProjectRepository& project, bool all_paths) {
  const char* git_dir = libgit2().repository_path(project.repository.get());
  return std::string(git_dir ? git_dir : "") + "\t" + project.prefix + "\t" + (all_paths ? "all" : "settings");
}

}  // namespace

std::optional<fs::path> history_cache_file(const ProjectRepository& project, bool all_paths) {
  const auto directory = repository_cache_directory();
  if (!directory) return std::nullopt;
  char name[32] = {};
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(fnv1a(cache_key(project, all_paths))));
  return *directory / name;
}

std::optional<HistoryCache> load_history_cache(const fs::path& file, const ProjectRepository& project, bool all_paths,
                                               const git_oid* start) {
  // One read and string_views: a big history's cache has a line per blob, and most runs only skip over them.
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream whole;
  whole << in.rdbuf();
  const std::string text = std::move(whole).str();
  LineReader lines(text);
  std::string_view line;
  const auto next_line = [&] { return lines.next(line); };
  if (!next_line() || line != header_line()) return std::nullopt;
  if (!next_line() || line != "key\t" + cache_key(project, all_paths)) return std::nullopt;
  HistoryCache cache;
  if (!next_line() || !line.starts_with("scanned\t")) return std::nullopt;
  const auto scanned = unhex(line.substr(8), GIT_OID_RAWSZ);
  if (!scanned) return std::nullopt;
  std::copy(scanned->begin(), scanned->end(), cache.scanned.id);
  // A cache that reaches `start` leaves nothing to walk and is not rewritten: its blob ids are not needed.
  const bool blob_ids_needed = start == nullptr || std::memcmp(scanned->data(), start->id, GIT_OID_RAWSZ) != 0;
  std::size_t count = 0;
  if (!next_line() || !line.starts_with("blobs\t") || !parse_number(line.substr(6), count)) return std::nullopt;
  if (blob_ids_needed) cache.blobs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!next_line() || line.size() != 2 * GIT_OID_RAWSZ) return std::nullopt;
    if (!blob_ids_needed) continue;
    auto raw = unhex(line, GIT_OID_RAWSZ);
    if (!raw) return std::nullopt;
    cache.blobs.insert(std::move(*raw));
  }
  if (!next_line() || !line.starts_with("secrets\t") || !parse_number(line.substr(8), count)) return std::nullopt;
  for (std::size_t i = 0; i < count; ++i) {
    if (!next_line()) return std::nullopt;
    auto secret = parse_secret_line(line);
    if (!secret) return std::nullopt;
    cache.secrets.push_back(std::move(*secret));
  }
  if (!next_line() || line != "end") return std::nullopt;
  return cache;
}

void save_history_cache(const fs::path& file, const ProjectRepository& project, bool all_paths,
                        const HistoryCache& cache) {
  std::ostringstream out;
  out << header_line() << '\n' << "key\t" << cache_key(project, all_paths) << '\n';
  out << "scanned\t" << hex(oid_key(cache.scanned)) << '\n' << "blobs\t" << cache.blobs.size() << '\n';
  for (const std::string& blob : cache.blobs) out << hex(blob) << '\n';
  out << "secrets\t" << cache.secrets.size() << '\n';
  for (const HistorySecret& secret : cache.secrets) {
    const auto line = secret_line(secret);
    if (!line) return;
    out << *line << '\n';
  }
  if (cache_key(project, all_paths).find_first_of("\n\r") != std::string::npos) return;
  out << "end\n";
  write_cache_file(file, out.str());
}

}  // namespace deployctl::checks::git
