// The sarif reporter (SARIF 2.1.0, https://docs.oasis-open.org/sarif/sarif/v2.1.0/): rule metadata from the
// registry, repository-relative locations and fingerprints that survive line shifts.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ostream>

#include "checks/findings/fingerprint.hpp"
#include "checks/report/report.hpp"
#include "checks/rules/registry.hpp"
#include "core/version.hpp"

namespace deployctl::checks::report {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view schema_uri = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view root_base_id = "%SRCROOT%";
constexpr std::string_view fingerprint_key = "deployctlFingerprint/v1";

std::string_view sarif_level(Severity severity) {
  switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "note";
  }
  return "warning";
}

// SARIF's style checks ask for messages that are complete sentences.
std::string sentence(std::string_view text) {
  std::string out(text);
  if (!out.empty() && out.back() != '.' && out.back() != '!' && out.back() != '?') out += '.';
  return out;
}

// kebab-case to PascalCase: SARIF's reportingDescriptor.name is meant to be an identifier-like word.
std::string pascal_case(std::string_view kebab) {
  std::string out;
  bool upper = true;
  for (const char c : kebab) {
    if (c == '-' || c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

// RFC 3986: a relative reference keeps '/' and the unreserved characters; everything else is percent-encoded.
std::string uri_path(std::string_view path) {
  constexpr std::string_view hex = "0123456789ABCDEF";
  std::string out;
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0xF];
    }
  }
  return out;
}

std::vector<std::string> tags(const rules::RuleInfo& info) {
  std::vector<std::string> out = {"deploy-readiness"};
  if (!info.django_check.empty()) out.emplace_back("django-check");
  if (info.django_check.starts_with("security.") || info.concerns_secret) out.emplace_back("security");
  return out;
}

Json rule_descriptor(const rules::RuleInfo& info) {
  const std::string help_uri = rule_help_uri(info.id, info.name);
  Json rule;
  rule["id"] = info.id;
  rule["name"] = pascal_case(info.name);
  rule["shortDescription"] = {{"text", sentence(info.summary)}};
  rule["fullDescription"] = {{"text", sentence(info.rationale)}};
  rule["help"] = {{"text", sentence(info.fix) + " See " + help_uri},
                  {"markdown", "**How to fix:** " + sentence(info.fix) + "\n\n[" + std::string(info.id) + " " +
                                   std::string(info.name) + "](" + help_uri + ")"}};
  rule["helpUri"] = help_uri;
  rule["defaultConfiguration"] = {{"level", sarif_level(info.severity)}};
  Json properties;
  properties["tags"] = tags(info);
  if (!info.django_check.empty()) properties["djangoCheck"] = info.django_check;
  rule["properties"] = std::move(properties);
  return rule;
}

Json region(const SourceSpan& where) {
  Json region;
  region["startLine"] = where.line;
  const int column = std::max(1, where.column);
  region["startColumn"] = column;
  const bool has_end = where.end_line > where.line || (where.end_line == where.line && where.end_column > column);
  region["endLine"] = has_end ? where.end_line : where.line;
  region["endColumn"] = has_end ? where.end_column : column + 1;
  return region;
}

// A finding about a whole file (a setting it never assigns) covers the file: SARIF's whole-artifact region, from
// line 1 to its last line, rather than line 1. Null when the file's text is not at hand.
Json whole_file_region(const Report& report, const std::string& file) {
  const auto source = std::ranges::find(report.sources, file, &SourceFile::path);
  if (source == report.sources.end()) return nullptr;
  const std::string& text = source->text;
  const auto breaks = std::ranges::count(text, '\n');
  const auto lines = std::max<std::ptrdiff_t>(1, breaks + (text.empty() || text.back() == '\n' ? 0 : 1));
  return Json{{"startLine", 1}, {"endLine", lines}};
}

}  // namespace

void write_sarif(std::ostream& out, const Report& report, const ReportOptions&) {
  const std::span<const rules::Rule> registry = rules::all_rules();
  Json rule_descriptors = Json::array();
  for (const rules::Rule& rule : registry) rule_descriptors.push_back(rule_descriptor(rule.info));

  const std::vector<Fingerprint> fingerprints = fingerprint_findings(report.findings, report.sources);
  Json results = Json::array();
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    const Finding& finding = report.findings[i];
    Json result;
    result["ruleId"] = finding.rule;
    const auto rule =
        std::ranges::find(registry, std::string_view(finding.rule), [](const rules::Rule& r) { return r.info.id; });
    if (rule != registry.end()) result["ruleIndex"] = rule - registry.begin();
    result["level"] = sarif_level(finding.severity);
    result["message"] = {{"text", sentence(finding.message)}};
    Json locations = Json::array();
    if (!finding.where.file.empty()) {
      Json physical;
      physical["artifactLocation"] = {{"uri", uri_path(repository_file(report, finding.where.file))},
                                      {"uriBaseId", root_base_id}};
      if (finding.where.whole_file) {
        if (Json whole = whole_file_region(report, finding.where.file); !whole.is_null())
          physical["region"] = std::move(whole);
      } else if (finding.where.line > 0) {
        physical["region"] = region(finding.where);
      }
      locations.push_back({{"physicalLocation", std::move(physical)}});
    }
    result["locations"] = std::move(locations);
    result["partialFingerprints"] = {{fingerprint_key, fingerprints[i].hash}};
    Json properties;
    if (finding.setting) properties["setting"] = *finding.setting;
    if (finding.django_check) properties["djangoCheck"] = *finding.django_check;
    if (!finding.where.commit.empty()) properties["commit"] = finding.where.commit;
    if (!properties.empty()) result["properties"] = std::move(properties);
    results.push_back(std::move(result));
  }

  Json driver;
  driver["name"] = "deployctl";
  driver["version"] = deployctl::version;
  driver["semanticVersion"] = deployctl::version;
  driver["informationUri"] = project_url;
  driver["rules"] = std::move(rule_descriptors);

  Json run;
  run["tool"] = {{"driver", std::move(driver)}};
  // The root's absolute path is left out: it differs per checkout and the uploaded report must not depend on it.
  run["originalUriBaseIds"] = {
      {root_base_id, {{"description", {{"text", "The root of the repository that holds the checked project."}}}}}};
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = std::move(results);

  Json document;
  document["$schema"] = schema_uri;
  document["version"] = "2.1.0";
  document["runs"] = Json::array({std::move(run)});
  out << document.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace deployctl::checks::report
