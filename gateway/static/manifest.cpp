// Reads staticfiles.json once (at startup or on reload); lookups later are hash-set probes with string_view.
#include "gateway/static/manifest.hpp"

#include <nlohmann/json.hpp>
#include <system_error>

#include "core/files.hpp"

namespace deployctl::gateway::static_files {

namespace {
// Manifests of very large projects reach a few MB; anything past this is not a manifest.
constexpr std::size_t max_manifest_bytes = 64 * 1024 * 1024;
}  // namespace

Result<NameSet> read_manifest(const std::filesystem::path& manifest_file) {
  std::error_code error;
  if (!std::filesystem::exists(manifest_file, error)) return NameSet{};
  auto text = read_text_file(manifest_file, max_manifest_bytes);
  if (!text) return std::unexpected(text.error());
  const auto json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  const auto where = manifest_file.string();
  if (json.is_discarded())
    return fail(where + ": not valid JSON; re-run `manage.py collectstatic` to rewrite the manifest");
  if (!json.is_object() || !json.contains("paths") || !json["paths"].is_object())
    return fail(where + ": no \"paths\" object; is this a ManifestStaticFilesStorage manifest?");
  NameSet names;
  for (const auto& [original, hashed] : json["paths"].items()) {
    if (!hashed.is_string()) return fail(where + ": the entry for \"" + original + "\" is not a string");
    names.insert(hashed.get<std::string>());
  }
  return names;
}

}  // namespace deployctl::gateway::static_files
