// `deployctl serve`: its options (core/options/serve_options.cpp, named as gunicorn names them) from flags over
// [serve] in deployctl.toml, static discovery of the app and its static files, then one call to the gateway.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/serve_discovery.hpp"
#include "core/config.hpp"
#include "core/options.hpp"
#include "core/suggest.hpp"
#include "core/working_directory.hpp"
#include "gateway/server/access_log.hpp"
#include "gateway/server/serve.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"
#include "python/interpreter.hpp"

namespace deployctl::cli {

namespace {

namespace fs = std::filesystem;
using gateway::server::ServeOptions;

const std::vector<std::string> level_names = {"debug", "info", "warning", "error", "critical"};

int default_workers() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::min(2 * cores + 1, 12u));
}

std::string absolute_or_dash(const std::string& path) {
  if (path.empty() || path == "-") return path;
  return fs::absolute(path).lexically_normal().string();
}

[[noreturn]] void reject(const std::string& flag, const std::string& problem) {
  throw Failure("serve: " + flag + ": " + problem);
}

std::string text_of(const std::optional<ConfigString>& value) { return value ? value->value : std::string(); }
bool switched_on(const std::optional<ConfigBool>& value) { return value && value->value; }

// The effective options (`values`, which --print-config prints) and what the gateway gets from them.
struct Plan {
  ServeConfig values;
  ServeOptions options;
  std::vector<std::string> static_texts;
};

Plan plan(const ServeConfig& given, const std::optional<ProjectConfig>& config) {
  Plan plan;
  ServeConfig& values = plan.values;
  values = merge_options(serve_options(), config ? config->serve : ServeConfig{}, given);
  apply_defaults(serve_options(), values);
  value_or_throw(check_bounds(serve_options(), values, "serve"));
  ServeOptions& o = plan.options;

  const std::string chdir = values.chdir->value;
  std::error_code error;
  if (!fs::is_directory(chdir, error)) reject("--chdir", "'" + chdir + "' is not a directory");
  o.chdir = absolute_as_given(chdir);  // symlinks kept: a reload re-resolves a switched release
  values.chdir->value = o.chdir.string();

  o.binds.clear();
  for (const ConfigString& bind : *values.bind) o.binds.push_back(bind.value);
  if (!values.workers) values.workers = ConfigInteger{default_workers(), {}};
  o.workers = static_cast<int>(values.workers->value);
  o.threads = static_cast<int>(values.threads->value);
  o.timeout = values.timeout->value;
  o.graceful_timeout = values.graceful_timeout->value;
  o.keep_alive = values.keep_alive->value;
  o.header_timeout = values.header_timeout->value;
  o.min_body_rate = values.min_body_rate->value;
  o.worker_connections = static_cast<int>(values.worker_connections->value);
  o.worker_request_memory = static_cast<std::size_t>(values.worker_request_memory->value);
  o.max_requests = values.max_requests->value;
  o.max_requests_jitter = values.max_requests_jitter->value;
  o.limits.request_line = static_cast<std::size_t>(values.limit_request_line->value);
  o.limits.header_count = static_cast<std::size_t>(values.limit_request_fields->value);
  o.limits.header_field_size = static_cast<std::size_t>(values.limit_request_field_size->value);
  o.limits.body = static_cast<std::uint64_t>(values.limit_request_body->value);
  o.limits.chunked_body = static_cast<std::uint64_t>(values.limit_chunked_body->value);
  o.worker_spill_limit = static_cast<std::uint64_t>(values.worker_spill_limit->value);
  o.forwarded_allow_ips = values.forwarded_allow_ips->value;
  o.interface = value_or_throw(gateway::loading::parse_interface_choice(values.interface->value));
  o.root_path = text_of(values.root_path);
  const std::string& lifespan = values.lifespan->value;
  o.lifespan = lifespan == "on"    ? gateway::asgi::LifespanMode::on
               : lifespan == "off" ? gateway::asgi::LifespanMode::off
                                   : gateway::asgi::LifespanMode::automatic;
  if (!o.root_path.empty() && (!o.root_path.starts_with("/") || o.root_path.ends_with("/")))
    reject("--root-path",
           "expected a URL path that starts with '/' and does not end with one, e.g. /api, got '" + o.root_path + "'");

  if (values.statics && !switched_on(values.no_static))
    for (const ConfigString& text : *values.statics) plan.static_texts.push_back(text.value);

  o.access_logfile = absolute_or_dash(text_of(values.access_logfile));
  o.access_logformat = text_of(values.access_logformat);
  o.access_log_json = switched_on(values.access_log_json);
  o.error_logfile = absolute_or_dash(values.error_logfile->value);
  const std::string& level = values.log_level->value;
  if (!gateway::parse_log_level(level, o.log_level))
    reject("--log-level", "unknown level '" + level + "', expected debug, info, warning, error or critical." +
                              did_you_mean(level, level_names));
  o.metrics_bind = text_of(values.metrics_bind);
  o.pid_file = absolute_or_dash(text_of(values.pid));
  if (const std::string umask = text_of(values.umask); !umask.empty()) {
    std::string digits = umask;
    if (digits.starts_with("0o")) digits = digits.substr(2);
    char* end = nullptr;
    const long value = std::strtol(digits.c_str(), &end, 8);
    if (digits.empty() || *end != '\0' || value < 0 || value > 0777)
      reject("--umask", "'" + umask + "' is not an octal mode such as 007");
    o.umask = static_cast<int>(value);
  }
  o.reload = switched_on(values.reload);
  return plan;
}

// --print-config shows what serving would use: paths made absolute, the app and static files found, defaults.
void print_config(Plan& planned, std::ostream& out) {
  ServeConfig& values = planned.values;
  const ServeOptions& o = planned.options;
  const ConfigPosition resolved;
  values.statics.emplace();
  for (const std::string& text : planned.static_texts) values.statics->push_back({text, resolved});
  values.no_static = ConfigBool{planned.static_texts.empty(), resolved};
  values.access_logfile = ConfigString{o.access_logfile, resolved};
  values.access_logformat = ConfigString{
      o.access_logformat.empty() ? std::string(gateway::server::default_access_log_format) : o.access_logformat,
      resolved};
  values.error_logfile = ConfigString{o.error_logfile, resolved};
  values.pid = ConfigString{o.pid_file, resolved};
  print_options(out, serve_options(), values);
}

int run_serve(const ServeConfig& given, const Io& io) {
  // Sockets from systemd or from the master a reload replaces: out of the environment before Python copies it.
  const gateway::server::Handover handover = gateway::server::take_handover();
  const std::string chdir = given.chdir ? given.chdir->value : ".";
  if (!fs::is_directory(chdir)) reject("--chdir", "'" + chdir + "' is not a directory");
  const std::optional<ProjectConfig> config = value_or_throw(find_project_config(chdir));
  Plan planned = plan(given, config);
  ServeOptions& o = planned.options;
  // One interpreter for both uses: started for serving (site-packages) before the checks' parser needs it, which
  // then finds it running and reuses it.
  value_or_throw(python::start_for_serving());

  const bool print_only = switched_on(given.print_config);
  std::string app_text = text_of(planned.values.app);
  if (app_text.empty()) {
    // The project's WSGI module unless the ASGI one is asked for: auto cannot look inside a module not imported.
    const bool asgi = o.interface == gateway::loading::InterfaceChoice::asgi3 ||
                      o.interface == gateway::loading::InterfaceChoice::asgi2;
    auto found = find_app_module(o.chdir, asgi ? "asgi" : "wsgi");
    if (!found && !print_only) throw Failure("serve: " + found.error().message);
    if (found) {
      app_text = found->module + ":application";
      o.python_path = found->python_path;
    }
  }
  planned.values.app = ConfigString{app_text, {}};
  if (!app_text.empty()) {
    auto spec = gateway::loading::parse_app_spec(app_text);
    if (!spec) throw Failure("serve: " + spec.error().message);
    o.app = *spec;
  }

  const std::optional<std::string> settings_module = find_settings_module(
      o.chdir,
      config && config->check.settings ? std::optional<std::string>(config->check.settings->value) : std::nullopt);
  if (std::getenv("DJANGO_SETTINGS_MODULE") == nullptr) o.django_settings_module = settings_module;

  const bool no_static = switched_on(planned.values.no_static);
  const bool statics_given = planned.values.statics.has_value();
  if (!no_static && !statics_given && settings_module) {
    const char* env_settings = std::getenv("DJANGO_SETTINGS_MODULE");
    if (auto mount = default_static_mount(o.chdir, env_settings != nullptr ? env_settings : *settings_module))
      planned.static_texts.push_back(*mount);
  }
  for (const std::string& text : planned.static_texts) {
    const std::size_t equals = text.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == text.size())
      reject("--static", "expected PREFIX=DIR, e.g. /static/=staticfiles, got '" + text + "'");
    std::string prefix = text.substr(0, equals);
    if (!prefix.starts_with("/")) reject("--static", "the URL prefix must start with '/', got '" + prefix + "'");
    fs::path directory = text.substr(equals + 1);
    if (directory.is_relative()) directory = fs::absolute(directory);
    o.statics.push_back({prefix, directory.lexically_normal()});
  }

  if (print_only) {
    print_config(planned, io.out);
    return static_cast<int>(ExitCode::ok);
  }
  io.out.flush();
  return gateway::server::serve(o, handover);
}

}  // namespace

Action declare_serve_command(CLI::App& app, const Io& io) {
  auto given = std::make_shared<ServeConfig>();
  declare_options(app, serve_options(), *given);
  return [given, &io] { return run_serve(*given, io); };
}

}  // namespace deployctl::cli
