// --django: Django's own system checks, run the way `manage.py check --deploy` runs them, by importing the settings
// with the embedded interpreter in a child process of deployctl (project code may exit, print, hang or crash;
// deployctl must not). The child gets the system's site-packages, PYTHONPATH and an active VIRTUAL_ENV.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "checks/settings/environment.hpp"
#include "core/error.hpp"

namespace deployctl::checks::django_runtime {

// One django.core.checks.CheckMessage, its texts already scrubbed of environment values.
struct DjangoMessage {
  std::string id;  // "security.W004"; "" when Django gives none
  int level = 30;  // logging levels: 10 DEBUG, 20 INFO, 30 WARNING, 40 ERROR, 50 CRITICAL
  std::string message;
  std::string hint;                // "" when none
  std::optional<std::string> obj;  // str(obj), when the message is about an object
};

struct RuntimeRequest {
  std::filesystem::path project_dir;
  std::string settings_module;        // DJANGO_SETTINGS_MODULE
  settings::Environment environment;  // --env-file and --env, laid over the process environment
  int timeout_seconds = 120;
};

// Runs django.setup() and run_checks(include_deployment_checks=True) (silenced checks dropped). The error says why
// the settings could not be imported or checked (exception type, message and the project line that raised it),
// without any environment value in it.
Result<std::vector<DjangoMessage>> run_django_checks(const RuntimeRequest& request);

}  // namespace deployctl::checks::django_runtime
