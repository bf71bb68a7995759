// `deployctl serve`: its flags (named as gunicorn names them), their merge over [serve] in deployctl.toml (a flag
// given replaces the key), static discovery of the app and its static files, then one call to the gateway.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "cli/command.hpp"
#include "cli/serve_discovery.hpp"
#include "core/config.hpp"
#include "core/suggest.hpp"
#include "gateway/server/access_log.hpp"
#include "gateway/server/serve.hpp"
#include "gateway/wsgi/runtime.hpp"

namespace deployctl::cli {

namespace {

namespace fs = std::filesystem;
using gateway::server::ServeOptions;

// The flags as given; `given` tells which were, since an absent flag defers to the config.
struct ServeFlags {
  std::string app;
  std::string chdir = ".";
  std::vector<std::string> binds;
  int workers = 0;
  int threads = 1;
  double timeout = 30;
  double graceful_timeout = 30;
  double keep_alive = 2;
  double header_timeout = 10;
  double min_body_rate = 1024;
  int worker_connections = 1000;
  std::int64_t max_requests = 0;
  std::int64_t max_requests_jitter = 0;
  std::int64_t limit_request_line = 4094;
  std::int64_t limit_request_fields = 100;
  std::int64_t limit_request_field_size = 8190;
  std::int64_t limit_request_body = 0;
  std::string forwarded_allow_ips = "127.0.0.1,::1";
  std::vector<std::string> statics;
  bool no_static = false;
  std::string access_logfile;
  std::string access_logformat;
  bool access_log_json = false;
  std::string error_logfile = "-";
  std::string log_level = "info";
  std::string metrics_bind;
  std::string pid;
  std::string umask;
  bool reload = false;
  bool print_config = false;
  std::map<std::string, CLI::Option*> given;  // by config key
};

const std::vector<std::string> level_names = {"debug", "info", "warning", "error", "critical"};

int default_workers() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::min(2 * cores + 1, 12u));
}

bool flag_given(const ServeFlags& flags, const std::string& key) {
  const auto it = flags.given.find(key);
  return it != flags.given.end() && it->second->count() > 0;
}

// The flag's value when given, else the config's, else the flag's default.
template <typename T, typename Stored>
T merged(const ServeFlags& flags, const std::string& key, const T& flag_value, const std::optional<Stored>& config) {
  if (flag_given(flags, key) || !config) return flag_value;
  return static_cast<T>(config->value);
}

std::vector<std::string> merged_list(const ServeFlags& flags, const std::string& key,
                                     const std::vector<std::string>& flag_values,
                                     const std::optional<std::vector<ConfigString>>& config,
                                     const fs::path& config_dir, bool static_dirs) {
  if (flag_given(flags, key) || !config) return flag_values;
  std::vector<std::string> values;
  for (const ConfigString& item : *config) {
    std::string value = item.value;
    // `static = ["/static/=staticfiles"]`: a relative directory is relative to the config file.
    if (static_dirs) {
      const std::size_t equals = value.find('=');
      if (equals != std::string::npos && fs::path(value.substr(equals + 1)).is_relative())
        value = value.substr(0, equals + 1) + (config_dir / value.substr(equals + 1)).lexically_normal().string();
    }
    values.push_back(value);
  }
  return values;
}

std::string absolute_or_dash(const std::string& path) {
  if (path.empty() || path == "-") return path;
  return fs::absolute(path).lexically_normal().string();
}

[[noreturn]] void reject(const std::string& flag, const std::string& problem) {
  throw Failure("serve: " + flag + ": " + problem);
}

void require_at_least(const std::string& flag, double value, double minimum) {
  if (value < minimum) reject(flag, "must be at least " + std::to_string(static_cast<long long>(minimum)));
}

struct Plan {
  ServeOptions options;
  bool print_config = false;
  std::string app_text;
  std::vector<std::string> static_texts;
  std::string umask_text;
  std::string log_level;
};

Plan plan(const ServeFlags& flags, const std::optional<ProjectConfig>& config) {
  const ServeConfig empty;
  const ServeConfig& keys = config ? config->serve : empty;
  const fs::path config_dir = config ? config->directory() : fs::current_path();
  Plan plan;
  ServeOptions& o = plan.options;
  plan.print_config = flags.print_config;

  std::string chdir = flags.chdir;
  if (!flag_given(flags, "chdir") && keys.chdir) chdir = (config_dir / keys.chdir->value).string();
  std::error_code error;
  if (!fs::is_directory(chdir, error)) reject("--chdir", "'" + chdir + "' is not a directory");
  o.chdir = fs::absolute(chdir).lexically_normal();

  o.binds = merged_list(flags, "bind", flags.binds, keys.bind, config_dir, false);
  if (o.binds.empty()) o.binds = {"127.0.0.1:8000"};
  o.workers = merged(flags, "workers", flags.workers, keys.workers);
  if (o.workers == 0 && !flag_given(flags, "workers") && !keys.workers) o.workers = default_workers();
  require_at_least("--workers", o.workers, 1);
  if (o.workers > 255) reject("--workers", "at most 255 workers");
  o.threads = merged(flags, "threads", flags.threads, keys.threads);
  require_at_least("--threads", o.threads, 1);
  if (o.threads > 256) reject("--threads", "at most 256 threads per worker");
  o.timeout = merged(flags, "timeout", flags.timeout, keys.timeout);
  require_at_least("--timeout", o.timeout, 0);
  o.graceful_timeout = merged(flags, "graceful-timeout", flags.graceful_timeout, keys.graceful_timeout);
  require_at_least("--graceful-timeout", o.graceful_timeout, 0);
  o.keep_alive = merged(flags, "keep-alive", flags.keep_alive, keys.keep_alive);
  require_at_least("--keep-alive", o.keep_alive, 0);
  o.header_timeout = merged(flags, "header-timeout", flags.header_timeout, keys.header_timeout);
  // 0 would answer every request 408 at once, and no limit would let slowloris hold the worker: at least 1 s.
  require_at_least("--header-timeout", o.header_timeout, 1);
  o.min_body_rate = merged(flags, "min-body-rate", flags.min_body_rate, keys.min_body_rate);
  require_at_least("--min-body-rate", o.min_body_rate, 0);
  o.worker_connections = merged(flags, "worker-connections", flags.worker_connections, keys.worker_connections);
  require_at_least("--worker-connections", o.worker_connections, 1);
  o.max_requests = merged(flags, "max-requests", flags.max_requests, keys.max_requests);
  require_at_least("--max-requests", static_cast<double>(o.max_requests), 0);
  o.max_requests_jitter = merged(flags, "max-requests-jitter", flags.max_requests_jitter, keys.max_requests_jitter);
  require_at_least("--max-requests-jitter", static_cast<double>(o.max_requests_jitter), 0);

  const auto limit = [&](const std::string& key, std::int64_t flag_value, const std::optional<ConfigInteger>& value) {
    const std::int64_t result = merged(flags, key, flag_value, value);
    require_at_least("--" + key, static_cast<double>(result), 0);
    return result;
  };
  o.limits.request_line = static_cast<std::size_t>(limit("limit-request-line", flags.limit_request_line,
                                                         keys.limit_request_line));
  o.limits.header_count = static_cast<std::size_t>(limit("limit-request-fields", flags.limit_request_fields,
                                                         keys.limit_request_fields));
  o.limits.header_field_size = static_cast<std::size_t>(
      limit("limit-request-field_size", flags.limit_request_field_size, keys.limit_request_field_size));
  o.limits.body = static_cast<std::uint64_t>(limit("limit-request-body", flags.limit_request_body,
                                                   keys.limit_request_body));

  o.forwarded_allow_ips = flags.forwarded_allow_ips;
  if (!flag_given(flags, "forwarded-allow-ips") && keys.forwarded_allow_ips)
    o.forwarded_allow_ips = keys.forwarded_allow_ips->value;

  const bool no_static = merged(flags, "no-static", flags.no_static, keys.no_static);
  plan.static_texts = merged_list(flags, "static", flags.statics, keys.statics, config_dir, true);
  if (no_static) plan.static_texts.clear();

  const auto text = [&](const std::string& key, const std::string& flag_value, const std::optional<ConfigString>& value) {
    return flag_given(flags, key) || !value ? flag_value : value->value;
  };
  o.access_logfile = absolute_or_dash(text("access-logfile", flags.access_logfile, keys.access_logfile));
  o.access_logformat = text("access-logformat", flags.access_logformat, keys.access_logformat);
  o.access_log_json = merged(flags, "access-log-json", flags.access_log_json, keys.access_log_json);
  o.error_logfile = absolute_or_dash(text("error-logfile", flags.error_logfile, keys.error_logfile));
  plan.log_level = text("log-level", flags.log_level, keys.log_level);
  if (!gateway::parse_log_level(plan.log_level, o.log_level))
    reject("--log-level", "unknown level '" + plan.log_level + "', expected debug, info, warning, error or critical." +
                              did_you_mean(plan.log_level, level_names));
  o.metrics_bind = text("metrics-bind", flags.metrics_bind, keys.metrics_bind);
  o.pid_file = absolute_or_dash(text("pid", flags.pid, keys.pid));
  plan.umask_text = text("umask", flags.umask, keys.umask);
  if (!plan.umask_text.empty()) {
    std::string digits = plan.umask_text;
    if (digits.starts_with("0o")) digits = digits.substr(2);
    char* end = nullptr;
    const long value = std::strtol(digits.c_str(), &end, 8);
    if (digits.empty() || *end != '\0' || value < 0 || value > 0777)
      reject("--umask", "'" + plan.umask_text + "' is not an octal mode such as 007");
    o.umask = static_cast<int>(value);
  }
  o.reload = merged(flags, "reload", flags.reload, keys.reload);
  plan.app_text = text("app", flags.app, keys.app);
  return plan;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) out += (out.size() > 1 ? ", " : "") + quoted(item);
  return out + "]";
}

void print_config(const Plan& plan, std::ostream& out) {
  const ServeOptions& o = plan.options;
  const auto number = [](double value) {
    std::string text = std::to_string(value);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.ends_with(".")) text.pop_back();
    return text;
  };
  out << "app = " << quoted(plan.app_text) << "\n";
  out << "chdir = " << quoted(o.chdir.string()) << "\n";
  out << "bind = " << quoted_list(o.binds) << "\n";
  out << "workers = " << o.workers << "\n";
  out << "threads = " << o.threads << "\n";
  out << "timeout = " << number(o.timeout) << "\n";
  out << "graceful-timeout = " << number(o.graceful_timeout) << "\n";
  out << "keep-alive = " << number(o.keep_alive) << "\n";
  out << "header-timeout = " << number(o.header_timeout) << "\n";
  out << "min-body-rate = " << number(o.min_body_rate) << "\n";
  out << "worker-connections = " << o.worker_connections << "\n";
  out << "max-requests = " << o.max_requests << "\n";
  out << "max-requests-jitter = " << o.max_requests_jitter << "\n";
  out << "limit-request-line = " << o.limits.request_line << "\n";
  out << "limit-request-fields = " << o.limits.header_count << "\n";
  out << "limit-request-field_size = " << o.limits.header_field_size << "\n";
  out << "limit-request-body = " << o.limits.body << "\n";
  out << "forwarded-allow-ips = " << quoted(o.forwarded_allow_ips) << "\n";
  out << "static = " << quoted_list(plan.static_texts) << "\n";
  out << "no-static = " << (plan.static_texts.empty() ? "true" : "false") << "\n";
  out << "access-logfile = " << quoted(o.access_logfile) << "\n";
  out << "access-logformat = "
      << quoted(o.access_logformat.empty() ? std::string(gateway::server::default_access_log_format)
                                           : o.access_logformat)
      << "\n";
  out << "access-log-json = " << (o.access_log_json ? "true" : "false") << "\n";
  out << "error-logfile = " << quoted(o.error_logfile) << "\n";
  out << "log-level = " << quoted(plan.log_level) << "\n";
  out << "metrics-bind = " << quoted(o.metrics_bind) << "\n";
  out << "pid = " << quoted(o.pid_file) << "\n";
  out << "umask = " << quoted(plan.umask_text) << "\n";
  out << "reload = " << (o.reload ? "true" : "false") << "\n";
}

int run_serve(const ServeFlags& flags, const Io& io) {
  // Sockets from systemd or from the master a reload replaces: out of the environment before Python copies it.
  const gateway::server::Handover handover = gateway::server::take_handover();
  if (!fs::is_directory(flags.chdir)) reject("--chdir", "'" + flags.chdir + "' is not a directory");
  const std::optional<ProjectConfig> config = value_or_throw(find_project_config(flags.chdir));
  Plan planned = plan(flags, config);
  ServeOptions& o = planned.options;
  // One interpreter for both uses: started for serving (site-packages) before the checks' parser needs it, which
  // then finds it running and reuses it.
  value_or_throw(gateway::wsgi::start_python());

  const bool app_given = !planned.app_text.empty();
  if (!app_given) {
    auto found = find_wsgi_module(o.chdir);
    if (!found && !planned.print_config) throw Failure("serve: " + found.error().message);
    if (found) {
      planned.app_text = found->module + ":application";
      o.python_path = found->python_path;
    }
  }
  if (!planned.app_text.empty()) {
    auto spec = gateway::wsgi::parse_app_spec(planned.app_text);
    if (!spec) throw Failure("serve: " + spec.error().message);
    o.app = *spec;
  }

  const std::optional<std::string> settings_module =
      find_settings_module(o.chdir, config && config->check.settings
                                        ? std::optional<std::string>(config->check.settings->value)
                                        : std::nullopt);
  if (std::getenv("DJANGO_SETTINGS_MODULE") == nullptr) o.django_settings_module = settings_module;

  const bool no_static = flag_given(flags, "no-static") ? flags.no_static
                                                          : (config && config->serve.no_static
                                                                 ? config->serve.no_static->value
                                                                 : false);
  const bool statics_given = flag_given(flags, "static") || (config && config->serve.statics);
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

  if (planned.print_config) {
    print_config(planned, io.out);
    return static_cast<int>(ExitCode::ok);
  }
  io.out.flush();
  return gateway::server::serve(o, handover);
}

}  // namespace

Action declare_serve_command(CLI::App& app, const Io& io) {
  auto flags = std::make_shared<ServeFlags>();
  auto& given = flags->given;
  given["app"] = app.add_option("APP", flags->app, "The WSGI app as module:callable (default: the project's */wsgi.py)");
  given["chdir"] = app.add_option("--chdir", flags->chdir, "The project directory, put on sys.path (default: .)")
                       ->type_name("DIR");
  given["bind"] = app.add_option("-b,--bind", flags->binds,
                                 "HOST:PORT, [IPV6]:PORT, unix:/PATH or fd://N (repeatable; default 127.0.0.1:8000)")
                      ->type_name("ADDR");
  given["workers"] = app.add_option("-w,--workers", flags->workers, "Worker processes (default: 2 x cores + 1, up to 12)")
                         ->type_name("N");
  given["threads"] = app.add_option("--threads", flags->threads, "Threads per worker, each answering one request "
                                                                 "at a time, as gunicorn's gthread (default 1)")
                         ->type_name("N");
  given["timeout"] = app.add_option("-t,--timeout", flags->timeout, "Kill a worker stuck on one request this long, "
                                                                    "after logging its stack (default 30; 0 never)")
                         ->type_name("S");
  given["graceful-timeout"] =
      app.add_option("--graceful-timeout", flags->graceful_timeout, "Seconds to finish in-flight requests on TERM "
                                                                    "(default 30)")
          ->type_name("S");
  given["keep-alive"] =
      app.add_option("--keep-alive", flags->keep_alive, "Seconds an idle keep-alive connection stays open (default 2)")
          ->type_name("S");
  given["header-timeout"] =
      app.add_option("--header-timeout", flags->header_timeout,
                     "Seconds a request head may take to arrive, and the grace before --min-body-rate applies: "
                     "slow clients get 408 (default 10)")
          ->type_name("S");
  given["min-body-rate"] =
      app.add_option("--min-body-rate", flags->min_body_rate,
                     "Slowest request body accepted, in bytes per second averaged from its start; slower ones get "
                     "408 (default 1024; 0 no minimum)")
          ->type_name("BYTES_PER_S");
  given["worker-connections"] =
      app.add_option("--worker-connections", flags->worker_connections,
                     "Most connections a worker holds open; past it the worker stops accepting and the kernel's "
                     "backlog keeps the rest waiting (default 1000)")
          ->type_name("N");
  given["max-requests"] =
      app.add_option("--max-requests", flags->max_requests, "Recycle a worker after this many requests (0: never)")
          ->type_name("N");
  given["max-requests-jitter"] =
      app.add_option("--max-requests-jitter", flags->max_requests_jitter, "Add up to this many to --max-requests, "
                                                                          "per worker")
          ->type_name("N");
  given["limit-request-line"] =
      app.add_option("--limit-request-line", flags->limit_request_line,
                     "Longest request line without its CRLF, as gunicorn counts it; longer is 414 (default 4094; 0 "
                     "no limit)")
          ->type_name("N");
  given["limit-request-fields"] =
      app.add_option("--limit-request-fields", flags->limit_request_fields, "Most header fields (default 100)")
          ->type_name("N");
  given["limit-request-field_size"] =
      app.add_option("--limit-request-field_size", flags->limit_request_field_size,
                     "Longest header (or trailer) line: name, colon, value with its whitespace, and the CRLF, as "
                     "gunicorn counts it; longer is 431 (default 8190; 0 no limit)")
          ->type_name("N");
  given["limit-request-body"] =
      app.add_option("--limit-request-body", flags->limit_request_body, "Largest request body (default 0: no limit)")
          ->type_name("N");
  given["forwarded-allow-ips"] =
      app.add_option("--forwarded-allow-ips", flags->forwarded_allow_ips,
                     "Proxies trusted for X-Forwarded-For/-Proto and Forwarded (default 127.0.0.1,::1; '*' all)")
          ->type_name("LIST");
  given["static"] = app.add_option("--static", flags->statics,
                                   "Serve URL_PREFIX from DIR natively (repeatable; default STATIC_URL=STATIC_ROOT)")
                        ->type_name("PREFIX=DIR");
  given["no-static"] = app.add_flag("--no-static", flags->no_static, "Serve no static files natively");
  given["access-logfile"] =
      app.add_option("--access-logfile", flags->access_logfile, "Access log file, '-' for stdout (default: none)")
          ->type_name("FILE");
  given["access-logformat"] =
      app.add_option("--access-logformat", flags->access_logformat, "Access log format with gunicorn's atoms")
          ->type_name("FMT");
  given["access-log-json"] = app.add_flag("--access-log-json", flags->access_log_json, "Access log as JSON lines");
  given["error-logfile"] =
      app.add_option("--error-logfile,--log-file", flags->error_logfile, "Error log file, '-' for stderr (default)")
          ->type_name("FILE");
  given["log-level"] = app.add_option("--log-level", flags->log_level, "debug, info (default), warning, error, critical")
                           ->type_name("LEVEL");
  given["metrics-bind"] =
      app.add_option("--metrics-bind", flags->metrics_bind, "Serve Prometheus metrics on this address")
          ->type_name("ADDR");
  given["pid"] = app.add_option("-p,--pid", flags->pid, "Write the master's pid to this file")->type_name("FILE");
  given["umask"] = app.add_option("--umask", flags->umask, "umask for unix sockets, e.g. 007")->type_name("OCTAL");
  given["reload"] = app.add_flag("--reload", flags->reload, "Development: reload when a .py file under --chdir "
                                                            "changes");
  app.add_flag("--print-config", flags->print_config, "Print the effective settings and exit");
  for (const char* single : {"chdir", "workers", "threads", "timeout", "graceful-timeout", "keep-alive", "header-timeout",
                             "min-body-rate", "worker-connections",
                             "max-requests", "max-requests-jitter", "limit-request-line", "limit-request-fields",
                             "limit-request-field_size", "limit-request-body", "forwarded-allow-ips",
                             "access-logfile", "access-logformat", "error-logfile", "log-level", "metrics-bind", "pid",
                             "umask"})
    given[single]->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.footer(
      "Flags override the [serve] table of deployctl.toml, whose keys are the flags' names.\n"
      "Signals: TERM graceful stop, INT/QUIT fast stop, HUP reload (new workers first), TTIN/TTOU one worker more/less.\n"
      "systemd: LISTEN_FDS sockets replace --bind; NOTIFY_SOCKET gets READY=1, RELOADING=1 and STOPPING=1.\n"
      "Exit status: 0 after a clean stop, 2 when deployctl could not serve.");
  return [flags, &io] { return run_serve(*flags, io); };
}

}  // namespace deployctl::cli
