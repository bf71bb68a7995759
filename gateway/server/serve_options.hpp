// Everything `deployctl serve` was told, after the flags were merged over [serve] in deployctl.toml: the plain
// struct the CLI fills and the server reads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gateway/asgi/lifespan_mode.hpp"
#include "gateway/http/request_parser.hpp"
#include "gateway/loading/app_spec.hpp"
#include "gateway/loading/interface.hpp"
#include "gateway/server/error_log.hpp"
#include "gateway/static/static_files.hpp"

namespace deployctl::gateway::server {

struct ServeOptions {
  loading::AppSpec app;
  loading::InterfaceChoice interface = loading::InterfaceChoice::automatic;
  std::string root_path;  // ASGI's root_path (--root-path)
  asgi::LifespanMode lifespan = asgi::LifespanMode::automatic;
  std::filesystem::path chdir = ".";
  std::filesystem::path python_path;                  // the app's import root when not --chdir (a src/ layout)
  std::optional<std::string> django_settings_module;  // from the project's entry point, when unset in the env
  std::vector<std::string> binds = {"127.0.0.1:8000"};
  int workers = 1;
  int threads = 1;      // per worker; above 1 the app runs on a pool of threads (gunicorn's gthread)
  double timeout = 30;  // seconds a request may run before its worker is killed (0: never)
  double graceful_timeout = 30;
  double keep_alive = 2;  // idle seconds between requests on one connection
  std::int64_t max_requests = 0;
  std::int64_t max_requests_jitter = 0;
  http::Limits limits;
  std::string forwarded_allow_ips = "127.0.0.1,::1";
  std::vector<static_files::Mount> statics;
  std::string access_logfile;    // "" none, "-" stdout
  std::string access_logformat;  // "" gunicorn's default
  bool access_log_json = false;
  std::string error_logfile = "-";
  LogLevel log_level = LogLevel::info;
  std::string metrics_bind;  // "" none
  std::string pid_file;
  int umask = -1;  // for unix sockets and files; -1 leaves the process umask
  bool reload = false;
  // Hostile clients (no gunicorn flag): the whole head must arrive within this, a body at least this fast.
  double header_timeout = 10;
  double min_body_rate = 1024;  // bytes/second, checked after header_timeout seconds of body
  int worker_connections = 1000;
  // Heap bytes of requests still arriving (heads, in-memory bodies, pipelined bytes), all connections together.
  std::size_t worker_request_memory = 32 * 1024 * 1024;
  // Bytes of request bodies in temporary files at once, per worker (chunked bodies past 1 MiB; 0 none).
  std::uint64_t worker_spill_limit = 64 * 1024 * 1024;
};

}  // namespace deployctl::gateway::server
