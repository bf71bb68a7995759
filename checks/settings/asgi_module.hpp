// The project's ASGI module (ASGI_APPLICATION's, else the asgi.py beside the settings) and the Channels origin
// validators it calls, read from its syntax tree: nothing is imported.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "checks/python/ast.hpp"
#include "checks/settings/settings_model.hpp"

namespace deployctl::checks::settings {

// A call of channels.security.websocket's AllowedHostsOriginValidator(app) or OriginValidator(app, origins).
struct OriginValidatorCall {
  python::Position position;
  bool allowed_hosts =
      false;  // the origins are ALLOWED_HOSTS: the factory, or OriginValidator(app, settings.ALLOWED_HOSTS)
  bool literal_wildcard = false;  // OriginValidator(app, [..., '*', ...]): any origin, whatever the settings
};

struct AsgiModule {
  std::filesystem::path file;  // relative to the project dir
  std::vector<OriginValidatorCall> validators;
};

// The module, or nullopt when the project has none (or it cannot be read or parsed: other rules report that).
std::optional<AsgiModule> find_asgi_module(const SettingsModel& model);

// The validator calls of `module`, through whatever names the module imports them under.
std::vector<OriginValidatorCall> origin_validator_calls(const python::Module& module);

}  // namespace deployctl::checks::settings
