// The project config: deployctl.toml (or [tool.deployctl] in pyproject.toml), found from the project dir upwards.
// Every key maps one to one to a CLI flag of the same name; flags given on the command line win over it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace deployctl {

// Where a value came from, for messages: "deployctl.toml:7:10", or the command-line flag that gave it.
struct ConfigPosition {
  std::string file;  // as printed in messages: relative to the working directory when under it
  int line = 0;      // 1-based
  int column = 0;    // 1-based
  std::string flag;  // set instead when the value came from the command line ("--workers", "APP")

  std::string to_string() const;  // "deployctl.toml:7:10", or the flag
  // What a message about the value of `key` starts with: "--select" or "deployctl.toml:4:10: select".
  std::string describe(std::string_view key) const;
};

// A string from the config together with where it was written, so later layers (the CLI validating rule ids,
// output formats) can point at the exact spot.
struct ConfigString {
  std::string value;
  ConfigPosition where;
};

// An integer, a number (an integer or a float in TOML) or a boolean, with where it was written.
struct ConfigInteger {
  std::int64_t value = 0;
  ConfigPosition where;
};

struct ConfigNumber {
  double value = 0;
  ConfigPosition where;
};

struct ConfigBool {
  bool value = false;
  ConfigPosition where;
};

// One entry of a table of strings, such as `DJ018 = "error"` under [check.severity].
struct ConfigEntry {
  ConfigString key;
  ConfigString value;
};

// The options of each command, from its flags or its deployctl.toml table, one member per row of the command's
// option table (core/options/): each member is nullopt when neither the command line nor the file gave it (the
// row's default then applies where the command asks for it). Members a command line alone gives are marked so.

// [check]: `deployctl check`.
struct CheckConfig {
  std::optional<ConfigString> project_dir;             // PROJECT_DIR (command line only)
  std::optional<ConfigString> settings;                // --settings
  std::optional<std::vector<ConfigString>> env_files;  // --env-file, made absolute against the config's directory
  std::optional<std::vector<ConfigString>> env;        // --env KEY=VALUE (not split or validated here)
  std::optional<std::vector<ConfigString>> select;     // --select: rule ids or prefixes, validated by the CLI
  std::optional<std::vector<ConfigString>> ignore;     // --ignore: likewise
  std::optional<ConfigString> fail_on;                 // --fail-on: already checked to be error|warning|info
  std::optional<ConfigString> format;                  // --format: validated by the CLI against its reporters
  std::optional<std::vector<ConfigEntry>> severity;    // per-rule override: rule id -> error|warning|info (checked)
  std::optional<ConfigString> output;                  // --output: made absolute against the config's directory
  std::optional<ConfigBool> statistics;                // --statistics
  std::optional<ConfigBool> quiet;                     // --quiet
  std::optional<ConfigBool> exit_zero;                 // --exit-zero
  std::optional<ConfigBool> show_source;               // --show-source (true) / --no-show-source (false)
  std::optional<ConfigString> baseline;                // --baseline: likewise made absolute
  std::optional<ConfigString> write_baseline;          // --write-baseline: likewise made absolute
  std::optional<ConfigBool> no_git;                    // --no-git: no repository checks
  std::optional<ConfigBool> all_paths;                 // --all-paths: the history scan reads every file
  std::optional<ConfigString> new_since;               // --new-since REF: a git revision, resolved by the CLI's run
  std::optional<ConfigBool> django;                    // --django: merge Django's runtime checks
};

// [serve]: `deployctl serve` (gateway); durations in seconds.
struct ServeConfig {
  std::optional<ConfigString> app;                        // APP (module:callable)
  std::optional<ConfigString> interface;                  // --interface: auto, asgi, asgi2 or wsgi
  std::optional<ConfigString> root_path;                  // --root-path (ASGI's root_path)
  std::optional<ConfigString> lifespan;                   // --lifespan: auto, on or off
  std::optional<ConfigString> chdir;                      // --chdir
  std::optional<std::vector<ConfigString>> bind;          // --bind (repeatable)
  std::optional<ConfigInteger> workers;                   // --workers
  std::optional<ConfigInteger> threads;                   // --threads
  std::optional<ConfigNumber> timeout;                    // --timeout
  std::optional<ConfigNumber> graceful_timeout;           // --graceful-timeout
  std::optional<ConfigNumber> keep_alive;                 // --keep-alive
  std::optional<ConfigNumber> header_timeout;             // --header-timeout
  std::optional<ConfigNumber> min_body_rate;              // --min-body-rate (bytes per second)
  std::optional<ConfigInteger> worker_connections;        // --worker-connections
  std::optional<ConfigInteger> worker_request_memory;     // --worker-request-memory (bytes)
  std::optional<ConfigInteger> max_requests;              // --max-requests
  std::optional<ConfigInteger> max_requests_jitter;       // --max-requests-jitter
  std::optional<ConfigInteger> limit_request_line;        // --limit-request-line
  std::optional<ConfigInteger> limit_request_fields;      // --limit-request-fields
  std::optional<ConfigInteger> limit_request_field_size;  // --limit-request-field_size
  std::optional<ConfigInteger> limit_request_body;        // --limit-request-body
  std::optional<ConfigInteger> limit_chunked_body;        // --limit-chunked-body
  std::optional<ConfigInteger> worker_spill_limit;        // --worker-spill-limit (bytes)
  std::optional<ConfigString> forwarded_allow_ips;        // --forwarded-allow-ips
  std::optional<std::vector<ConfigString>> statics;       // --static PREFIX=DIR (repeatable)
  std::optional<ConfigBool> no_static;                    // --no-static
  std::optional<ConfigString> access_logfile;             // --access-logfile
  std::optional<ConfigString> access_logformat;           // --access-logformat
  std::optional<ConfigBool> access_log_json;              // --access-log-json
  std::optional<ConfigString> error_logfile;              // --error-logfile
  std::optional<ConfigString> log_level;                  // --log-level: checked to be a level name
  std::optional<ConfigString> metrics_bind;               // --metrics-bind
  std::optional<ConfigString> pid;                        // --pid
  std::optional<ConfigString> umask;                      // --umask (octal text, e.g. "007")
  std::optional<ConfigBool> reload;                       // --reload
  std::optional<ConfigBool> print_config;                 // --print-config (command line only)
};

// [deploy]: what `deployctl render` knows about the host (app name, domains, user, paths, ...). Every key can
// also be given as `deployctl render --set deploy.KEY=VALUE`.
struct DeployConfig {
  std::optional<ConfigString> app;                   // the app's name: units, sockets, log files
  std::optional<std::vector<ConfigString>> domains;  // server names; the first is canonical
  std::optional<ConfigString> user;                  // the app's system user (never root)
  std::optional<ConfigString> group;
  std::optional<ConfigString> app_dir;                      // where the project is deployed (BASE_DIR)
  std::optional<ConfigString> venv;                         // the virtualenv of the app
  std::optional<ConfigString> env_file;                     // the EnvironmentFile of the units
  std::optional<ConfigString> server;                       // serve | gunicorn | uvicorn | daphne
  std::optional<ConfigString> app_module;                   // module:callable of the WSGI/ASGI app
  std::optional<ConfigString> interface;                    // wsgi | asgi: what the app speaks (default by server)
  std::optional<ConfigString> bind;                         // unix:/run/x.sock or host:port
  std::optional<std::vector<ConfigString>> upstream_hosts;  // several app hosts (host:port) behind nginx
  std::optional<ConfigInteger> workers;
  std::optional<ConfigInteger> timeout;  // the app server's request timeout, seconds
  std::optional<ConfigInteger> graceful_timeout;
  std::optional<ConfigString> tls;  // letsencrypt | custom | none
  std::optional<ConfigString> certificate;
  std::optional<ConfigString> certificate_key;
  std::optional<ConfigString> dhparam;
  std::optional<ConfigString> max_body_size;                 // nginx client_max_body_size, e.g. "10m"
  std::optional<std::vector<ConfigString>> websocket_paths;  // URL prefixes nginx passes WebSocket upgrades on
  std::optional<ConfigInteger> websocket_timeout;            // seconds an open WebSocket may stay quiet in nginx
  std::optional<ConfigString> static_root;                   // override STATIC_ROOT as the server sees it
  std::optional<ConfigString> static_url;
  std::optional<ConfigString> media_root;
  std::optional<ConfigString> media_url;
  std::optional<ConfigString> hsts;            // django | nginx | off: who sends HSTS
  std::optional<ConfigString> acme_root;       // webroot of the ACME challenge
  std::optional<ConfigString> log_dir;         // nginx's per-site logs
  std::optional<ConfigString> listen_address;  // nginx listens on this address only
  std::optional<ConfigInteger> http_port;
  std::optional<ConfigInteger> https_port;
  std::optional<ConfigBool> ipv6;         // nginx also listens on [::]
  std::optional<ConfigString> db_engine;  // postgresql | sqlite, when DATABASES is not static
  std::optional<ConfigString> db_name;
  std::optional<ConfigString> backup_dir;
  std::optional<ConfigInteger> backup_keep_days;
  std::optional<ConfigString> deployctl;  // the deployctl binary the units run
};

// [render]: `deployctl render`.
struct RenderConfig {
  std::optional<std::vector<ConfigString>> targets;  // TARGET... [PROJECT_DIR] (command line only)
  std::optional<ConfigString> config;                // --config FILE (command line only)
  std::optional<std::vector<ConfigString>> sets;     // --set KEY=VALUE (command line only)
  std::optional<ConfigString> out;                   // --out DIR (command line only)
  std::optional<ConfigString> templates;             // --templates: a directory of override templates
  std::optional<ConfigBool> check;                   // --check (command line only)
  std::optional<ConfigBool> diff;                    // --diff (command line only)
  std::optional<ConfigBool> list;                    // --list (command line only)
  std::optional<ConfigBool> eject;                   // --eject (command line only)
};

// The commands without a table: their options are command-line only.
struct RulesConfig {
  std::optional<ConfigString> format;  // --format
};
struct ExplainConfig {
  std::optional<ConfigString> id;  // ID
};
struct HelpConfig {
  std::optional<ConfigString> command;  // COMMAND
};

struct ProjectConfig {
  std::filesystem::path path;   // the config file, absolute
  bool from_pyproject = false;  // the keys live under [tool.deployctl] in pyproject.toml
  CheckConfig check;
  DeployConfig deploy;
  RenderConfig render;
  ServeConfig serve;

  // The directory relative paths in the config are resolved against.
  std::filesystem::path directory() const { return path.parent_path(); }
  // "deployctl.toml" or "pyproject.toml [tool.deployctl]": how to name the source in messages.
  std::string description() const;
};

// Looks for deployctl.toml from `project_dir` upwards to the filesystem root (the first found wins); when there
// is none anywhere, for a pyproject.toml with a [tool.deployctl] table, the same way. Nothing found: nullopt.
// A config that is found but invalid is an error naming file:line:col.
Result<std::optional<ProjectConfig>> find_project_config(const std::filesystem::path& project_dir);

// Reads one config file; `from_pyproject` selects the [tool.deployctl] table. A pyproject.toml without that
// table yields an empty ProjectConfig.
Result<ProjectConfig> load_project_config(const std::filesystem::path& config_file, bool from_pyproject);

// Parses config text; `config_file` names it in messages and anchors relative paths (it need not exist).
Result<ProjectConfig> parse_project_config(std::string_view text, const std::filesystem::path& config_file,
                                           bool from_pyproject);

}  // namespace deployctl
