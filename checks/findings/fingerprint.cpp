// Fingerprints: the finding's rule, file, setting and normalised source line, hashed with SHA-256 (written
// from FIPS 180-4 so that no crypto library is needed for a non-secret identity hash).
#include "checks/findings/fingerprint.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <map>
#include <tuple>

#include "checks/findings/source_line_index.hpp"
#include "checks/findings/source_lines.hpp"

namespace deployctl::checks {

namespace {

constexpr std::string_view mask = "****";

// ---- SHA-256 ----

constexpr std::array<std::uint32_t, 64> round_constants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotate_right(std::uint32_t value, int bits) { return (value >> bits) | (value << (32 - bits)); }

void compress(std::array<std::uint32_t, 8>& state, const unsigned char* block) {
  std::array<std::uint32_t, 64> w{};
  for (std::size_t i = 0; i < 16; ++i)
    w[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
           (std::uint32_t{block[4 * i + 2]} << 8) | std::uint32_t{block[4 * i + 3]};
  for (std::size_t i = 16; i < 64; ++i) {
    const std::uint32_t s0 = rotate_right(w[i - 15], 7) ^ rotate_right(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const std::uint32_t s1 = rotate_right(w[i - 2], 17) ^ rotate_right(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  auto [a, b, c, d, e, f, g, h] = state;
  for (std::size_t i = 0; i < 64; ++i) {
    const std::uint32_t s1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
    const std::uint32_t choose = (e & f) ^ (~e & g);
    const std::uint32_t t1 = h + s1 + choose + round_constants[i] + w[i];
    const std::uint32_t s0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
    const std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
    const std::uint32_t t2 = s0 + majority;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  const std::array<std::uint32_t, 8> added = {a, b, c, d, e, f, g, h};
  for (std::size_t i = 0; i < 8; ++i) state[i] += added[i];
}

// ---- snippets ----

std::string normalise(std::string_view text, std::span<const ByteRange> masked) {
  std::string out;
  bool pending_space = false;
  auto range = masked.begin();
  for (std::size_t i = 0; i < text.size();) {
    while (range != masked.end() && i >= range->end) ++range;
    if (range != masked.end() && i >= range->begin) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out += mask;
      i = std::min(text.size(), range->end);
      continue;
    }
    const char c = text[i++];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n') {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string normalised_line(const SourceLine& line, bool mask_literals) {
  std::string_view code = line.text;
  std::vector<ByteRange> literals;
  if (mask_literals) literals = line.string_contents;
  if (line.comment) {
    code = code.substr(0, *line.comment);
    std::erase_if(literals, [&](const ByteRange& r) { return r.begin >= code.size(); });
  }
  return normalise(code, literals);
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<std::uint32_t, 8> state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string padded(data);
  const std::uint64_t bit_length = static_cast<std::uint64_t>(data.size()) * 8;
  padded += static_cast<char>(0x80);
  while (padded.size() % 64 != 56) padded += '\0';
  for (int shift = 56; shift >= 0; shift -= 8) padded += static_cast<char>((bit_length >> shift) & 0xFF);
  for (std::size_t offset = 0; offset < padded.size(); offset += 64)
    compress(state, reinterpret_cast<const unsigned char*>(padded.data() + offset));

  constexpr std::string_view digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (const std::uint32_t word : state)
    for (int shift = 28; shift >= 0; shift -= 4) hex += digits[(word >> shift) & 0xF];
  return hex;
}

bool mentions_secret(std::string_view line) {
  std::string lower(line);
  std::ranges::transform(lower, lower.begin(),
                         [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  constexpr std::string_view words[] = {"secret", "password",    "passwd",     "token",        "api_key",
                                        "apikey", "private_key", "credential", "database_url", "dsn"};
  if (std::ranges::any_of(words, [&](std::string_view word) { return lower.find(word) != std::string::npos; }))
    return true;
  // A URL with user info: scheme://user:password@host
  const std::size_t scheme = lower.find("://");
  return scheme != std::string::npos && lower.find('@', scheme) != std::string::npos;
}

std::string normalised_snippet(std::string_view line, bool mask_literals) {
  const std::vector<SourceLine> lines = scan_source_lines(line);
  if (lines.empty()) return {};
  return normalised_line(lines.front(), mask_literals);
}

std::vector<Fingerprint> fingerprint_findings(std::span<const Finding> findings, std::span<const SourceFile> sources) {
  SourceLineIndex lines(sources);
  std::map<std::tuple<std::string, std::string, std::string, std::string>, int> seen;
  std::vector<Fingerprint> fingerprints;
  fingerprints.reserve(findings.size());
  for (const Finding& finding : findings) {
    Fingerprint print;
    print.rule = finding.rule;
    print.file = finding.where.file;
    print.setting = finding.setting.value_or("");
    // A finding about the whole file (a setting it never assigns) points at line 1 only as a convention: the
    // text there says nothing about it, and an edit at the top must not change the fingerprint.
    const bool no_line = finding.where.whole_file || !finding.where.commit.empty();  // no working-tree line
    const SourceLine* line = no_line ? nullptr : lines.line(finding.where.file, finding.where.line);
    if (line != nullptr) print.snippet = normalised_line(*line, finding.concerns_secret || mentions_secret(line->text));
    print.occurrence = seen[{print.rule, print.file, print.setting, print.snippet}]++;
    std::string identity = "deployctl-fingerprint/v1";
    for (const std::string* part : {&print.rule, &print.file, &print.setting, &print.snippet}) identity += '\0' + *part;
    identity += '\0' + std::to_string(print.occurrence);
    print.hash = sha256_hex(identity);
    fingerprints.push_back(std::move(print));
  }
  return fingerprints;
}

}  // namespace deployctl::checks
