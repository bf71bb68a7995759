// What `deployctl render` takes from the project's settings, as evaluated by `deployctl check`: known facts only.
// A value that depends on the environment or that the evaluator could not know is `unknown`, never guessed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checks/check_project.hpp"

namespace deployctl::generators {

template <typename T>
struct Fact {
  enum class State { unset, known, unknown };
  State state = State::unset;  // unset: the settings never assign it (Django's default applies)
  T value{};
  std::string where;        // "mysite/settings/base.py:75", where it was assigned
  std::string why_unknown;  // for messages, e.g. "read from DJANGO_ALLOWED_HOSTS"

  bool known() const { return state == State::known; }
  bool unknown() const { return state == State::unknown; }
};

// One environment variable the settings read.
struct EnvVariable {
  std::string name;
  std::string where;            // "mysite/settings/production.py:12"
  bool required = false;        // read without a default
  bool unsafe_default = false;  // the default is what a `deployctl check` finding is about
  std::optional<std::string> cast;
};

struct DatabaseFact {
  std::string engine;  // "postgresql", "sqlite", "mysql" or Django's ENGINE as written
  std::string name;    // NAME (a path for sqlite)
};

struct SettingsFacts {
  std::filesystem::path project_dir;  // absolute: paths under it are rebased onto the deploy's app dir
  std::string settings_module;        // "mysite.settings.production"
  std::string project_package;        // "mysite"
  Fact<std::vector<std::string>> allowed_hosts;
  Fact<std::string> static_url, static_root, media_url, media_root;
  Fact<std::pair<std::string, std::string>> proxy_ssl_header;  // ("HTTP_X_FORWARDED_PROTO", "https")
  Fact<std::int64_t> hsts_seconds;
  Fact<bool> security_middleware, xframe_middleware;
  Fact<bool> content_type_nosniff;
  Fact<std::string> referrer_policy, x_frame_options;
  Fact<std::vector<std::string>> log_files;  // LOGGING handlers' filenames, as written (relative or absolute)
  Fact<DatabaseFact> database;
  std::string database_url_variable;  // the env variable DATABASES reads (DATABASE_URL), when it does
  Fact<std::string> wsgi_application, asgi_application;  // "mysite.wsgi.application"
  bool celery = false;                                   // CELERY_* settings or a celery.py in the project package
  std::vector<EnvVariable> env;                          // in first-read order, one entry per variable
};

// Extracts the facts from a finished check (the model and its findings, for unsafe defaults).
SettingsFacts extract_settings_facts(const checks::CheckResult& check);

}  // namespace deployctl::generators
