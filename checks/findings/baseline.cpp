// Writing, reading and applying baselines. Matching is by fingerprint hash alone; every entry matches at most
// one finding (duplicates differ by their occurrence index, which is part of the hash).
#include "checks/findings/baseline.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <tuple>

#include "core/files.hpp"
#include "core/version.hpp"

namespace deployctl::checks {

namespace {

using Json = nlohmann::ordered_json;

constexpr int baseline_format = 1;

std::string how_to_fix(std::string_view shown_name) {
  return " Write a new one with `deployctl check --write-baseline " + std::string(shown_name) + "`.";
}

Result<std::string> string_field(const Json& entry, std::string_view key, bool nullable, std::string_view where) {
  const auto it = entry.find(key);
  if (it != entry.end() && it->is_string()) return it->get<std::string>();
  if (nullable && (it == entry.end() || it->is_null())) return std::string();
  return fail(std::string(where) + ": \"" + std::string(key) + "\" must be a string");
}

}  // namespace

std::string baseline_text(std::span<const Fingerprint> fingerprints) {
  std::vector<const Fingerprint*> sorted;
  for (const Fingerprint& print : fingerprints) sorted.push_back(&print);
  std::ranges::sort(sorted, [](const Fingerprint* a, const Fingerprint* b) {
    return std::tie(a->file, a->rule, a->setting, a->snippet, a->occurrence, a->hash) <
           std::tie(b->file, b->rule, b->setting, b->snippet, b->occurrence, b->hash);
  });
  Json entries = Json::array();
  for (const Fingerprint* print : sorted) {
    Json entry;
    entry["fingerprint"] = print->hash;
    entry["rule"] = print->rule;
    entry["file"] = print->file;
    entry["setting"] = print->setting.empty() ? Json(nullptr) : Json(print->setting);
    entry["snippet"] = print->snippet;
    entry["occurrence"] = print->occurrence;
    entries.push_back(std::move(entry));
  }
  Json document;
  document["tool"] = "deployctl";
  document["version"] = deployctl::version;
  document["baseline"] = baseline_format;
  document["findings"] = std::move(entries);
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<void> write_baseline(const std::filesystem::path& file, std::span<const Finding> findings,
                            std::span<const SourceFile> sources) {
  return write_file_atomically(file, baseline_text(fingerprint_findings(findings, sources)));
}

Result<Baseline> parse_baseline(std::string_view text, std::string_view shown_name) {
  const std::string name(shown_name);
  Json document;
  try {
    document = Json::parse(text);
  } catch (const Json::parse_error& error) {
    return fail(name + ": not a deployctl baseline: invalid JSON at byte " + std::to_string(error.byte) + "." +
                how_to_fix(shown_name));
  }
  if (!document.is_object() || document.value("tool", Json()) != "deployctl" || !document.contains("findings") ||
      !document["findings"].is_array())
    return fail(name +
                ": not a deployctl baseline (expected an object with \"tool\": \"deployctl\" and a "
                "\"findings\" array)." +
                how_to_fix(shown_name));
  if (document.value("baseline", Json()) != baseline_format)
    return fail(name + ": unsupported baseline format " + document.value("baseline", Json()).dump() +
                " (this deployctl reads format " + std::to_string(baseline_format) + ")." + how_to_fix(shown_name));

  Baseline baseline;
  const Json& entries = document["findings"];
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string where = name + ": findings[" + std::to_string(i) + "]";
    const Json& item = entries[i];
    if (!item.is_object()) return fail(where + " must be an object." + how_to_fix(shown_name));
    BaselineEntry entry;
    for (auto [key, field, nullable] :
         {std::tuple{"fingerprint", &entry.fingerprint, false}, std::tuple{"rule", &entry.rule, false},
          std::tuple{"file", &entry.file, false}, std::tuple{"setting", &entry.setting, true},
          std::tuple{"snippet", &entry.snippet, true}}) {
      auto value = string_field(item, key, nullable, where);
      if (!value) return std::unexpected(Error{value.error().message + "." + how_to_fix(shown_name)});
      *field = std::move(*value);
    }
    if (entry.fingerprint.empty()) return fail(where + ": \"fingerprint\" is empty." + how_to_fix(shown_name));
    if (const auto occurrence = item.find("occurrence"); occurrence != item.end() && occurrence->is_number_integer())
      entry.occurrence = occurrence->get<int>();
    baseline.entries.push_back(std::move(entry));
  }
  return baseline;
}

Result<Baseline> read_baseline(const std::filesystem::path& file) {
  auto text = read_text_file(file, 64 * max_source_file_bytes);
  if (!text) return std::unexpected(text.error());
  return parse_baseline(*text, file.generic_string());
}

BaselineResult apply_baseline(const Baseline& baseline, std::vector<Finding> findings,
                              std::span<const SourceFile> sources) {
  const std::vector<Fingerprint> fingerprints = fingerprint_findings(findings, sources);
  std::set<std::string, std::less<>> current;
  for (const Fingerprint& print : fingerprints) current.insert(print.hash);
  std::set<std::string, std::less<>> recorded;
  for (const BaselineEntry& entry : baseline.entries) recorded.insert(entry.fingerprint);

  BaselineResult result;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    if (recorded.contains(fingerprints[i].hash))
      ++result.baselined;
    else
      result.findings.push_back(std::move(findings[i]));
  }
  for (const BaselineEntry& entry : baseline.entries)
    if (!current.contains(entry.fingerprint)) result.stale.push_back(entry);
  return result;
}

}  // namespace deployctl::checks
