// The shared text of the repository caches: build identity, hashing, hex, fields and secret lines.
#include "checks/git/cache_text.hpp"

#include <cstdlib>

#include "core/files.hpp"
#include "core/version.hpp"

namespace deployctl::checks::git {

namespace fs = std::filesystem;

namespace {

// A hex digit's value, or -1. std::from_chars per byte cost 2 k instructions per blob id of a big history's cache.
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<fs::path> repository_cache_directory() {
  fs::path base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/')
    base = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home == '/')
    base = fs::path(home) / ".cache";
  else
    return std::nullopt;
  return base / "deployctl" / "history";
}

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

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string hex(std::string_view raw) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (const char c : raw) {
    out += digits[static_cast<unsigned char>(c) >> 4];
    out += digits[static_cast<unsigned char>(c) & 15];
  }
  return out;
}

std::optional<std::string> unhex(std::string_view text, std::size_t raw_size) {
  if (text.size() != 2 * raw_size) return std::nullopt;
  std::string raw(raw_size, '\0');
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

bool clean(std::string_view field) { return field.find_first_of("\t\n\r") == std::string_view::npos; }

std::optional<std::string> secret_line(const HistorySecret& secret) {
  const SecretLiteral& literal = secret.literal;
  for (const std::string* field :
       {&secret.commit, &secret.date, &literal.name, &literal.size, &literal.weight.reason, &secret.path})
    if (!clean(*field)) return std::nullopt;
  return std::to_string(literal.digest) + '\t' + std::to_string(static_cast<int>(literal.weight.weight)) + '\t' +
         std::to_string(literal.line) + '\t' + std::to_string(literal.column) + '\t' +
         (literal.is_setting ? "1" : "0") + '\t' + secret.commit + '\t' + secret.date + '\t' + literal.name + '\t' +
         literal.size + '\t' + literal.weight.reason + '\t' + secret.path;
}

std::optional<HistorySecret> parse_secret_line(std::string_view line) {
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

void write_cache_file(const fs::path& file, std::string_view text) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) return;
  (void)write_file_atomically(file, text, fs::perms::owner_read | fs::perms::owner_write);
}

bool LineReader::next(std::string_view& line) {
  const std::size_t newline = rest_.find('\n');
  if (newline == std::string_view::npos) return false;
  line = rest_.substr(0, newline);
  rest_.remove_prefix(newline + 1);
  return true;
}

}  // namespace deployctl::checks::git
