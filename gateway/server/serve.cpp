// The order of startup is the contract's: logs, app import, static mounts, listeners, pid file, workers, and the
// readiness line last. A re-exec for a reload is handed its sockets, old workers and counters (handover.hpp).
#include "gateway/loading/app_import.hpp"  // Python.h first

#include "gateway/server/serve.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/unique_fd.hpp"
#include "core/working_directory.hpp"
#include "gateway/asgi/asgi_app.hpp"
#include "gateway/loading/interface.hpp"
#include "gateway/server/bind_set.hpp"
#include "gateway/server/master.hpp"
#include "gateway/wsgi/wsgi_app.hpp"
#include "python/errors.hpp"
#include "python/gil.hpp"
#include "python/interpreter.hpp"

namespace deployctl::gateway::server {

namespace {

constexpr int tool_failure = 2;

int open_log_file(const std::string& path, int fallback) {
  if (path.empty() || path == "-") return fallback;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  return fd;
}

}  // namespace

int serve(const ServeOptions& options, const Handover& handover) {
  ErrorLog& error_log = ErrorLog::instance();
  error_log.set_level(options.log_level);
  const int error_fd = open_log_file(options.error_logfile, 2);
  if (error_fd < 0) {
    error_log.log(LogLevel::error,
                  "cannot open --error-logfile " + options.error_logfile + ": " + std::strerror(errno));
    return tool_failure;
  }
  error_log.set_fd(error_fd);

  if (auto started = python::start_for_serving(); !started) {
    log_error(started.error().message);
    return tool_failure;
  }
  // Both paths keep their symlinks: a reload goes back to original_cwd by name before it re-executes, so a
  // switched release symlink is resolved again (gunicorn keeps $PWD for the same reason).
  const std::string original_cwd = working_directory_as_given().string();
  const std::filesystem::path chdir = absolute_as_given(options.chdir);
  if (::chdir(chdir.c_str()) != 0) {
    log_error("cannot change to --chdir " + chdir.string() + ": " + std::strerror(errno));
    return tool_failure;
  }

  wsgi::LoadOptions load;
  load.chdir = chdir;
  load.python_path = options.python_path;
  load.django_settings_module = options.django_settings_module;
  load.multiprocess = options.workers > 1;
  load.multithread = options.threads > 1;
  auto imported = loading::import_app(options.app, load);
  if (!imported) {
    log_error(imported.error().message);
    return tool_failure;
  }
  const std::string app_text = options.app.module + ":" + options.app.callable;
  auto found = loading::detect_interface(*imported);
  auto interface = found ? loading::choose_interface(*found, options.interface, app_text) : found;
  if (!interface) {
    log_error(interface.error().message);
    return tool_failure;
  }
  std::unique_ptr<wsgi::WsgiApp> wsgi_app;
  std::unique_ptr<asgi::AsgiApp> asgi_app;
  if (*interface == loading::Interface::wsgi) {
    auto wrapped = wsgi::WsgiApp::wrap(*imported, load);
    if (!wrapped) {
      log_error(wrapped.error().message);
      return tool_failure;
    }
    wsgi_app = std::move(*wrapped);
  } else {
    if (options.threads > 1) {
      log_error("--threads does not apply to the ASGI app '" + app_text +
                "': each worker runs its requests concurrently on one asyncio loop. Drop --threads, and use "
                "--workers for more processes");
      return tool_failure;
    }
    auto wrapped = asgi::AsgiApp::wrap(*imported, *interface, options.root_path);
    if (!wrapped) {
      log_error(wrapped.error().message);
      return tool_failure;
    }
    asgi_app = std::move(*wrapped);
  }
  if (std::getenv("DEPLOYCTL_SERVE_CHECK_APP") != nullptr) return 0;  // a reload's test import

  std::optional<static_files::StaticFiles> statics;
  if (!options.statics.empty()) {
    auto opened = static_files::StaticFiles::open(options.statics);
    if (!opened) {
      log_error(opened.error().message);
      return tool_failure;
    }
    statics.emplace(std::move(*opened));
  }
  auto trust = ForwardedTrust::parse(options.forwarded_allow_ips);
  if (!trust) {
    log_error(trust.error().message);
    return tool_failure;
  }

  MasterSetup setup;
  setup.options = &options;
  setup.original_cwd = original_cwd;
  auto binds = open_binds(options, handover);
  if (!binds) {
    log_error(binds.error().message);
    return tool_failure;
  }
  setup.listeners = std::move(binds->listeners);
  setup.metrics = std::move(binds->metrics);
  if (setup.metrics) ErrorLog::instance().log(LogLevel::info, "metrics on " + setup.metrics->url + "/metrics");
  setup.old_workers.assign(handover.old_workers.begin(), handover.old_workers.end());
  setup.shared_state_fd = handover.shared_state_fd;

  const int access_fd = options.access_logfile.empty() ? -1 : open_log_file(options.access_logfile, 1);
  if (!options.access_logfile.empty() && access_fd < 0) {
    log_error("cannot open --access-logfile " + options.access_logfile + ": " + std::strerror(errno));
    return tool_failure;
  }
  const AccessLogFormat access_format(
      options.access_logformat.empty() ? default_access_log_format : std::string_view(options.access_logformat),
      options.access_log_json);

  if (!options.pid_file.empty()) {
    const std::string pid = std::to_string(::getpid()) + "\n";
    UniqueFd fd(::open(options.pid_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd || ::write(fd.get(), pid.data(), pid.size()) != static_cast<ssize_t>(pid.size()) || !fd.close()) {
      log_error("cannot write --pid " + options.pid_file + ": " + std::strerror(errno));
      return tool_failure;
    }
  }
  if (!handover.reload) log_info("Starting deployctl serve (pid " + std::to_string(::getpid()) + ")");

  setup.app = wsgi_app.get();
  setup.asgi_app = asgi_app.get();
  setup.statics = statics ? &*statics : nullptr;
  setup.access_log_fd = access_fd;
  setup.access_format = &access_format;
  setup.trust = &*trust;
  const int status = run_master(setup);
  if (!options.pid_file.empty()) ::unlink(options.pid_file.c_str());
  return status;
}

}  // namespace deployctl::gateway::server
