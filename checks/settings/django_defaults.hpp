// Django's own defaults (django/conf/global_settings.py of current Django) for the settings our rules read:
// a setting the settings module never assigns has its default, exactly as Django's LazySettings would give it.
#pragma once

#include <string_view>

#include "checks/settings/settings_model.hpp"
#include "checks/settings/value.hpp"

namespace deployctl::checks::settings {

// Django's default for `name`, or null when this table does not know it (then nothing may be assumed).
// Defaults carry no origin; setting_or_default gives them one.
const Value* django_default(std::string_view name);

// The value Django would see for `name`: the assigned value when the settings assign it; else Django's default,
// located at the settings module's line 1 column 1 (where a finding about a missing setting points); else
// unknown (a setting this table has no default for, or any absent setting when the namespace is incomplete).
Value setting_or_default(const SettingsModel& model, std::string_view name);
// The same, with the paths that leave a merged setting unset given Django's default (while the namespace is complete),
// so that `if X: SILENCED_SYSTEM_CHECKS = [...]` is one of two known lists rather than unknown.
Value setting_or_default_on_every_path(const SettingsModel& model, std::string_view name);

// Where a finding about `name` points: the value's origin when the settings assign it, else the settings module
// at line 1, column 1.
Origin setting_origin(const SettingsModel& model, std::string_view name);

}  // namespace deployctl::checks::settings
