// The record file: a header naming the format and the build, the key (project dir, selection), the look's state,
// the facts, and an end marker (a cut-off file is no record). Tab-separated text (cache_text.hpp).
#include "checks/git/facts_cache.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "checks/git/cache_text.hpp"
#include "core/files.hpp"

namespace deployctl::checks::git {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view format_line = "deployctl repository facts 1";

std::string header_line() { return std::string(format_line) + "\t" + build_identity(); }

std::string key_line(const fs::path& start, bool all_paths) {
  return "key\t" + start.string() + "\t" + (all_paths ? "all" : "settings");
}

// Reads the record's sections in order; any mismatch leaves `ok` false for good.
class RecordReader {
 public:
  explicit RecordReader(std::string_view text) : lines_(text) {}

  bool ok() const { return ok_; }

  std::string_view line() {
    std::string_view line;
    if (ok_ && !lines_.next(line)) ok_ = false;
    return ok_ ? line : std::string_view();
  }

  // "<name>\t<value>": the value.
  std::string_view field(std::string_view name) {
    const std::string_view text = line();
    if (!ok_ || text.size() <= name.size() || !text.starts_with(name) || text[name.size()] != '\t') {
      ok_ = false;
      return {};
    }
    return text.substr(name.size() + 1);
  }

  std::size_t count(std::string_view name) {
    std::size_t value = 0;
    if (const std::string_view text = field(name); ok_ && !parse_number(text, value)) ok_ = false;
    return ok_ ? value : 0;
  }

  // `n` lines, each with its newline: a text kept as it was written.
  std::string block(std::size_t n) {
    std::string text;
    for (std::size_t i = 0; i < n && ok_; ++i) text.append(line()).append("\n");
    return text;
  }

  std::vector<std::string_view> fields(std::size_t expected) {
    std::vector<std::string_view> parts = split_tabs(line());
    if (parts.size() != expected) ok_ = false;
    return parts;
  }

  std::optional<HistorySecret> secret() {
    auto parsed = parse_secret_line(line());
    if (!parsed) ok_ = false;
    return parsed;
  }

  void fail() { ok_ = false; }

 private:
  LineReader lines_;
  bool ok_ = true;
};

std::size_t line_count(std::string_view text) { return static_cast<std::size_t>(std::ranges::count(text, '\n')); }

std::optional<std::vector<SensitiveFile>> read_sensitive(RecordReader& in) {
  std::vector<SensitiveFile> files(in.count("sensitive"));
  for (SensitiveFile& file : files) {
    const auto parts = in.fields(4);
    int kind = 0;
    std::size_t secrets = 0;
    if (!in.ok() || !parse_number(parts[0], kind) || !parse_number(parts[1], secrets) || kind < 0 || kind > 1)
      return std::nullopt;
    file.kind = static_cast<SensitiveFile::Kind>(kind);
    file.path = parts[2];
    file.throwaway_reason = parts[3];
    for (std::size_t i = 0; i < secrets; ++i)
      if (auto secret = in.secret()) file.secrets.push_back(std::move(secret->literal));
  }
  if (!in.ok()) return std::nullopt;
  return files;
}

std::optional<std::vector<IgnoreProbe>> read_probes(RecordReader& in) {
  std::vector<IgnoreProbe> probes(in.count("probes"));
  for (IgnoreProbe& probe : probes) {
    const auto parts = in.fields(4);
    int kind = 0;
    if (!in.ok() || !parse_number(parts[0], kind) || kind < 0 || kind > 2) return std::nullopt;
    probe.kind = static_cast<IgnoreProbe::Kind>(kind);
    probe.setting = parts[1];
    probe.source = parts[2];
    probe.path = std::string(parts[3]);
  }
  if (!in.ok()) return std::nullopt;
  return probes;
}

std::optional<std::vector<IgnoreGap>> read_gaps(RecordReader& in, const std::vector<IgnoreProbe>& probes) {
  std::vector<IgnoreGap> gaps(in.count("gaps"));
  for (IgnoreGap& gap : gaps) {
    const auto parts = in.fields(3);
    std::size_t probe = 0;
    int in_project = 0;
    if (!in.ok() || !parse_number(parts[0], probe) || probe >= probes.size() || !parse_number(parts[1], in_project))
      return std::nullopt;
    gap.probe = probes[probe];
    gap.in_project = in_project != 0;
    gap.shown = parts[2];
  }
  if (!in.ok()) return std::nullopt;
  return gaps;
}

}  // namespace

std::optional<fs::path> facts_record_file(const fs::path& start, bool all_paths) {
  const auto directory = repository_cache_directory();
  if (!directory) return std::nullopt;
  char name[40] = {};
  std::snprintf(name, sizeof name, "facts-%016llx", static_cast<unsigned long long>(fnv1a(key_line(start, all_paths))));
  return *directory / name;
}

std::optional<FactsRecord> load_facts_record(const fs::path& file, const fs::path& start, bool all_paths) {
  auto text = read_text_file(file);
  if (!text) return std::nullopt;
  RecordReader in(*text);
  if (in.line() != header_line() || in.line() != key_line(start, all_paths)) return std::nullopt;
  FactsRecord record;
  record.look_state = in.block(in.count("state"));
  record.workdir = std::string(in.field("workdir"));
  record.prefix = in.line();
  if (!record.prefix.starts_with("prefix\t")) return std::nullopt;
  record.prefix.erase(0, 7);
  record.scanned_files.resize(in.count("scanned"));
  for (std::string& path : record.scanned_files) path = in.line();
  auto sensitive = read_sensitive(in);
  if (!sensitive) return std::nullopt;
  record.sensitive_files = std::move(*sensitive);
  record.history_secrets.resize(in.count("history"));
  for (HistorySecret& secret : record.history_secrets)
    if (auto parsed = in.secret()) secret = std::move(*parsed);
  auto probes = read_probes(in);
  if (!probes) return std::nullopt;
  record.probes = std::move(*probes);
  record.ignore_state = in.block(in.count("ignore"));
  auto gaps = read_gaps(in, record.probes);
  if (!gaps) return std::nullopt;
  record.ignore_gaps = std::move(*gaps);
  if (in.line() != "end" || !in.ok()) return std::nullopt;
  return record;
}

void save_facts_record(const fs::path& file, const fs::path& start, bool all_paths, const FactsRecord& record) {
  std::ostringstream out;
  out << header_line() << '\n' << key_line(start, all_paths) << '\n';
  out << "state\t" << line_count(record.look_state) << '\n' << record.look_state;
  if (!clean(record.workdir.string()) || !clean(record.prefix)) return;
  out << "workdir\t" << record.workdir.string() << '\n' << "prefix\t" << record.prefix << '\n';
  out << "scanned\t" << record.scanned_files.size() << '\n';
  for (const std::string& path : record.scanned_files) {
    if (!clean(path)) return;
    out << path << '\n';
  }
  out << "sensitive\t" << record.sensitive_files.size() << '\n';
  for (const SensitiveFile& sensitive : record.sensitive_files) {
    if (!clean(sensitive.path) || !clean(sensitive.throwaway_reason)) return;
    out << static_cast<int>(sensitive.kind) << '\t' << sensitive.secrets.size() << '\t' << sensitive.path << '\t'
        << sensitive.throwaway_reason << '\n';
    for (const SecretLiteral& literal : sensitive.secrets) {
      const auto line = secret_line(HistorySecret{literal, {}, {}, {}});
      if (!line) return;
      out << *line << '\n';
    }
  }
  out << "history\t" << record.history_secrets.size() << '\n';
  for (const HistorySecret& secret : record.history_secrets) {
    const auto line = secret_line(secret);
    if (!line) return;
    out << *line << '\n';
  }
  out << "probes\t" << record.probes.size() << '\n';
  for (const IgnoreProbe& probe : record.probes) {
    if (!clean(probe.setting) || !clean(probe.source) || !clean(probe.path.string())) return;
    out << static_cast<int>(probe.kind) << '\t' << probe.setting << '\t' << probe.source << '\t' << probe.path.string()
        << '\n';
  }
  out << "ignore\t" << line_count(record.ignore_state) << '\n' << record.ignore_state;
  out << "gaps\t" << record.ignore_gaps.size() << '\n';
  for (const IgnoreGap& gap : record.ignore_gaps) {
    const auto probe = std::ranges::find(record.probes, gap.probe);
    if (probe == record.probes.end() || !clean(gap.shown)) return;
    out << (probe - record.probes.begin()) << '\t' << (gap.in_project ? 1 : 0) << '\t' << gap.shown << '\n';
  }
  out << "end\n";
  write_cache_file(file, out.str());
}

}  // namespace deployctl::checks::git
