// SettingsModel lookups.
#include "checks/settings/settings_model.hpp"

namespace deployctl::checks::settings {

const Value* SettingsModel::get(std::string_view name) const {
  const auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

const SourceFile* SettingsModel::file(std::string_view path) const {
  for (const SourceFile& source : files)
    if (source.path == path) return &source;
  return nullptr;
}

}  // namespace deployctl::checks::settings
