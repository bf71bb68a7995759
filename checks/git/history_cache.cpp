// The cache file: a header naming the format, the deployctl version and build and the key (repository, project prefix,
// selection), the commit scanned up to, the parsed blob ids, the secrets found, and an end marker (a cut-off
// file is no cache). Tab-separated text; a field with a tab or newline in it (a strange path) is not cached.
#include "checks/git/history_cache.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/files.hpp"
#include "core/version.hpp"

namespace deployctl::checks::git {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view format_line = "deployctl history cache 2";

// The version and the build of this executable (size and modification time): a rebuilt deployctl may extract or
// weigh secrets differently, so what an earlier build found is no cache for it.
std::string build_identity() {
  std::string identity(deployctl::version);
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return identity;
  const auto size = fs::file_size(self, ec);
  if (ec) return identity;
  const auto modified = fs::last_write_time(self, ec);
  if (ec) return identity;
  return identity + "\t" + std::to_string(size) + "\t" + std::to_string(modified.time_since_epoch().count());
}

std::string header_line() { return std::string(format_line) + "\t" + build_identity(); }

std::string cache_key(const ProjectRepository& project, bool all_paths) {
  const char* git_dir = libgit2().repository_path(project.repository.get());
  return std::string(git_dir ? git_dir : "") + "\t" + project.prefix + "\t" + (all_paths ? "all" : "settings");
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string hex(const std::string& raw) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (const char c : raw) {
    out += digits[static_cast<unsigned char>(c) >> 4];
    out += digits[static_cast<unsigned char>(c) & 15];
  }
  return out;
}

// A hex digit's value, or -1. std::from_chars per byte cost 2 k instructions per blob id of a big history's cache.
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> unhex(std::string_view text) {
  if (text.size() != 2 * GIT_OID_RAWSZ) return std::nullopt;
  std::string raw(GIT_OID_RAWSZ, '\0');
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const int high = hex_digit(text[2 * i]);
    const int low = hex_digit(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    raw[i] = static_cast<char>(high * 16 + low);
  }
  return raw;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  while (true) {
    const std::size_t tab = line.find('\t');
    fields.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) return fields;
    line.remove_prefix(tab + 1);
  }
}

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

bool clean(std::string_view field) { return field.find_first_of("\t\n\r") == std::string_view::npos; }

std::optional<HistorySecret> parse_secret(std::string_view line) {
  const std::vector<std::string_view> f = split_tabs(line);
  if (f.size() != 11) return std::nullopt;
  HistorySecret secret;
  int weight = 0;
  int is_setting = 0;
  if (!parse_number(f[0], secret.literal.digest) || !parse_number(f[1], weight) ||
      !parse_number(f[2], secret.literal.line) || !parse_number(f[3], secret.literal.column) ||
      !parse_number(f[4], is_setting) || weight < 1 || weight > 2)
    return std::nullopt;
  secret.literal.weight.weight = static_cast<SecretWeight>(weight);
  secret.literal.is_setting = is_setting != 0;
  secret.commit = f[5];
  secret.date = f[6];
  secret.literal.name = f[7];
  secret.literal.size = f[8];
  secret.literal.weight.reason = f[9];
  secret.path = f[10];
  return secret;
}

}  // namespace

std::optional<fs::path> history_cache_file(const ProjectRepository& project, bool all_paths) {
  fs::path base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/')
    base = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home == '/')
    base = fs::path(home) / ".cache";
  else
    return std::nullopt;
  char name[32] = {};
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(fnv1a(cache_key(project, all_paths))));
  return base / "deployctl" / "history" / name;
}

std::optional<HistoryCache> load_history_cache(const fs::path& file, const ProjectRepository& project, bool all_paths,
                                               const git_oid* start) {
  // One read and string_views: a big history's cache has a line per blob, and most runs only skip over them.
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream whole;
  whole << in.rdbuf();
  const std::string text = std::move(whole).str();
  std::string_view rest(text);
  std::string_view line;
  const auto next_line = [&] {
    const std::size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) return false;
    line = rest.substr(0, newline);
    rest.remove_prefix(newline + 1);
    return true;
  };
  if (!next_line() || line != header_line()) return std::nullopt;
  if (!next_line() || line != "key\t" + cache_key(project, all_paths)) return std::nullopt;
  HistoryCache cache;
  if (!next_line() || !line.starts_with("scanned\t")) return std::nullopt;
  const auto scanned = unhex(line.substr(8));
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
    auto raw = unhex(line);
    if (!raw) return std::nullopt;
    cache.blobs.insert(std::move(*raw));
  }
  if (!next_line() || !line.starts_with("secrets\t") || !parse_number(line.substr(8), count)) return std::nullopt;
  for (std::size_t i = 0; i < count; ++i) {
    if (!next_line()) return std::nullopt;
    auto secret = parse_secret(line);
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
    const SecretLiteral& literal = secret.literal;
    for (const std::string* field :
         {&secret.commit, &secret.date, &literal.name, &literal.size, &literal.weight.reason, &secret.path})
      if (!clean(*field)) return;
    out << literal.digest << '\t' << static_cast<int>(literal.weight.weight) << '\t' << literal.line << '\t'
        << literal.column << '\t' << (literal.is_setting ? 1 : 0) << '\t' << secret.commit << '\t' << secret.date
        << '\t' << literal.name << '\t' << literal.size << '\t' << literal.weight.reason << '\t' << secret.path << '\n';
  }
  if (cache_key(project, all_paths).find_first_of("\n\r") != std::string::npos) return;
  out << "end\n";

  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) return;
  // The owner's only: it names where secrets were committed.
  (void)write_file_atomically(file, out.str(), fs::perms::owner_read | fs::perms::owner_write);
}

}  // namespace deployctl::checks::git
