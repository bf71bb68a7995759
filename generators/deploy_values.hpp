// The values every target shares, resolved once from [deploy] (with --set), the settings facts and defaults.
// Unknown required values are not guessed: `require` records "missing required value" with where to set it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "generators/render.hpp"
#include "generators/target_data.hpp"

namespace deployctl::generators {

struct Location {
  std::string url;    // "/static/": always with the trailing slash
  std::string root;   // "/srv/mysite/staticfiles/": likewise
  std::string where;  // where the settings assign the root, or "[deploy] static-root"
};

struct Header {
  std::string name;
  std::string value;
};

struct DeployValues {
  std::string app;     // as written: names units, files and logs
  std::string app_id;  // app with only [A-Za-z0-9_]: nginx upstream names
  std::vector<std::string> domains;
  std::string user, group, app_dir, venv, env_file, server, app_module, bind, deployctl;
  std::string settings_module, project_package;
  bool asgi = false;                         // the app speaks ASGI: nginx passes WebSocket upgrades to it
  std::string serve_interface = "asgi";      // with asgi, serve's --interface: asgi, or asgi2 when [serve] says so
  std::vector<std::string> websocket_paths;  // URL prefixes; empty: every proxied path, when asgi
  std::int64_t websocket_timeout = 3600;
  std::vector<std::string> upstream_servers;  // nginx "server" arguments
  std::string listen_stream;                  // the socket unit's ListenStream=
  bool unix_socket = true;
  std::optional<std::int64_t> workers;
  std::int64_t timeout = 30, graceful_timeout = 30;
  std::string tls, certificate, certificate_key, dhparam, max_body_size, acme_root, log_dir, listen_address;
  std::int64_t http_port = 80, https_port = 443;
  bool ipv6 = true;
  std::optional<Location> static_files, media_files;
  std::string hsts_owner;                   // "django", "nginx" or "off"
  std::vector<Header> nginx_headers;        // on proxied responses: only what Django does not send
  std::vector<Header> static_headers;       // on files nginx serves itself
  std::vector<std::string> django_headers;  // what Django's middleware sends, for the comment
  std::optional<std::pair<std::string, std::string>> proxy_ssl_header;  // nginx header name, value expression
  std::string proxy_ssl_where;
  std::vector<std::string> log_files;  // absolute, on the server
  std::string log_files_where;
  std::vector<std::string> unknown_logs;  // why some LOGGING paths are not known
  std::string db_engine, db_name, db_url_variable, backup_dir;
  std::int64_t backup_keep_days = 14;
  std::vector<std::string> read_write_paths;  // what the app may write under ProtectSystem=strict

  // Why a value is unknown, by [deploy] key; reported only by the targets that need it.
  std::vector<std::pair<std::string, std::string>> unknown;
  // [deploy] values that contradict each other, as whole sentences; refused by the targets they shape.
  std::vector<std::string> refused;

  // Records the key's "missing required value" message in `data` when it is unknown.
  void require(std::string_view key, std::string_view target, TargetData& data) const;
  // Records every contradiction in `data`.
  void refuse(std::string_view target, TargetData& data) const;
};

DeployValues resolve_deploy_values(const RenderInputs& inputs);

// Fills the data every template may use: header, app, user, paths, ... `target` names the regenerate command.
void add_common_data(const DeployValues& values, const RenderInputs& inputs, std::string_view target, Data& data);

}  // namespace deployctl::generators
