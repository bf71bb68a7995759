// Django's staticfiles.json (ManifestStaticFilesStorage): the hashed file names that may be cached forever.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/error.hpp"

namespace deployctl::gateway::static_files {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};
using NameSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// The values of the manifest's "paths" object ("css/base.6b5ad2f1.css"), relative to the manifest's
// directory. A missing file is an empty set; unreadable or malformed JSON is an Error naming the file.
Result<NameSet> read_manifest(const std::filesystem::path& manifest_file);

}  // namespace deployctl::gateway::static_files
