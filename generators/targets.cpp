// The one table of render targets (as ninja's kTools) and each target's generator: which values it needs
// and the data its templates read. Adding a target is a row here plus its templates in templates/.
#include <algorithm>
#include <array>

#include "generators/deploy_values.hpp"
#include "generators/render.hpp"

namespace deployctl::generators {

namespace {

namespace fs = std::filesystem;
constexpr auto mode_0644 =
    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;
constexpr auto mode_0600 = fs::perms::owner_read | fs::perms::owner_write;
constexpr auto mode_0755 = mode_0644 | fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

Data string_list(const std::vector<std::string>& items) {
  Data list{Data::type::list};
  for (const auto& item : items) list.push_back(Data(item));
  return list;
}

Data header_list(const std::vector<Header>& headers) {
  Data list{Data::type::list};
  for (const auto& header : headers) {
    Data entry;
    entry.set("name", header.name);
    entry.set("value", header.value);
    list.push_back(entry);
  }
  return list;
}

// A partial template rendered with the target's data, so that an override of it is honoured too.
Result<std::string> render_partial(const RenderInputs& inputs, std::string_view name, const Data& data) {
  auto source = load_template(name, inputs.templates_dir);
  if (!source) return std::unexpected(source.error());
  auto text = render_template(*source, data);
  if (!text) return text;
  while (!text->empty() && text->back() == '\n') text->pop_back();
  return text;
}

Result<void> add_hardening(const RenderInputs& inputs, std::string_view unit, Data& data) {
  Data scope = data;
  scope.set("unit", std::string(unit));
  auto hardening = render_partial(inputs, "systemd-hardening.mustache", scope);
  if (!hardening) return std::unexpected(hardening.error());
  data.set("hardening", *hardening);
  return {};
}

bool always(const RenderInputs&) { return true; }

// ---- nginx ---------------------------------------------------------------------------------------

Data location_data(const Location& location, std::string_view prefix) {
  Data out;
  out.set(std::string(prefix) + "_url", location.url);
  out.set(std::string(prefix) + "_root", location.root);
  out.set(std::string(prefix) + "_where", location.where);
  return out;
}

Data proxy_location(std::string_view path, bool upgrade) {
  Data out;
  out.set("path", std::string(path));
  out.set("upgrade", Data(upgrade));
  out.set("root", Data(path == "/"));
  return out;
}

// The locations proxied to the app: each WebSocket prefix named in [deploy] with upgrades, then `/`, which passes
// upgrades itself when an ASGI app names none (any path may then be a WebSocket).
Data proxy_locations(const DeployValues& v) {
  Data list{Data::type::list};
  for (const auto& path : v.websocket_paths) list.push_back(proxy_location(path, true));
  list.push_back(proxy_location("/", v.asgi && v.websocket_paths.empty()));
  return list;
}

Result<void> generate_nginx(const RenderInputs& inputs, TargetData& out) {
  const DeployValues v = resolve_deploy_values(inputs);
  for (const auto* key : {"app", "domains", "static-url", "static-root", "media-url", "media-root", "hsts",
                          "certificate", "certificate-key"})
    v.require(key, "nginx", out);
  v.refuse("nginx", out);
  if (!out.missing.empty()) return {};
  Data& d = out.data;
  add_common_data(v, inputs, "nginx", d);
  d.set("upstream_name", v.app_id + "_app");
  Data upstreams{Data::type::list};
  for (const auto& server : v.upstream_servers) upstreams.push_back(Data(server));
  d.set("upstream_servers", upstreams);
  d.set("listen_prefix", v.listen_address.empty() ? "" : v.listen_address + ":");
  d.set("ipv6", Data(v.ipv6));
  d.set("http_port", std::to_string(v.http_port));
  d.set("https_port", std::to_string(v.https_port));
  d.set("https_port_suffix", v.https_port == 443 ? "" : ":" + std::to_string(v.https_port));
  d.set("tls", Data(v.tls != "none"));
  d.set("letsencrypt", Data(v.tls == "letsencrypt"));
  d.set("server_names", join(v.domains, " "));
  d.set("canonical", v.domains.front());
  const std::vector<std::string> aliases(v.domains.begin() + 1, v.domains.end());
  d.set("has_aliases", Data(!aliases.empty()));
  d.set("alias_names", join(aliases, " "));
  std::vector<std::string> certbot;
  for (const auto& domain : v.domains) certbot.push_back("-d " + domain);
  d.set("certbot_domains", join(certbot, " "));
  d.set("certificate", v.certificate);
  d.set("certificate_key", v.certificate_key);
  if (!v.dhparam.empty()) d.set("dhparam", v.dhparam);
  d.set("acme_root", v.acme_root);
  d.set("max_body_size", v.max_body_size);
  d.set("nginx_hsts", Data(v.hsts_owner == "nginx"));
  d.set("nginx_headers", header_list(v.nginx_headers));
  d.set("static_headers", header_list(v.static_headers));
  std::vector<std::string> nginx_names;
  for (const auto& header : v.nginx_headers) nginx_names.push_back(header.name);
  d.set("header_owner_note", "Django's middleware sends " +
                                 (v.django_headers.empty() ? "none" : join(v.django_headers, ", ")) + "; nginx sends " +
                                 (nginx_names.empty() ? "none" : join(nginx_names, ", ")) +
                                 " (and all of them on the files it serves itself).");
  if (v.static_files) d.set("static", location_data(*v.static_files, "static"));
  if (v.media_files) d.set("media", location_data(*v.media_files, "media"));
  if (v.proxy_ssl_header) {
    d.set("proxy_ssl_header", v.proxy_ssl_header->first);
    d.set("proxy_ssl_value", v.proxy_ssl_header->second);
    d.set("proxy_ssl_where", v.proxy_ssl_where);
  }
  d.set("app_timeout", std::to_string(v.timeout));
  d.set("proxy_timeout", std::to_string(std::max(v.timeout, v.graceful_timeout) + 5));
  d.set("websocket_map", Data(v.asgi));
  // Named after the app: another site's map of the same variable in the shared http block would silently win.
  d.set("connection_variable", v.app_id + "_connection_upgrade");
  d.set("websocket_timeout", std::to_string(v.websocket_timeout));
  d.set("proxy_locations", proxy_locations(v));
  // {{> tls_settings}} in the site template includes the TLS settings, rendered with the same data.
  auto tls = render_partial(inputs, "nginx-tls.mustache", d);
  if (!tls) return std::unexpected(tls.error());
  const std::string tls_text = *tls;
  d.set("tls_settings", Data(kainjow::mustache::partial([tls_text]() { return tls_text; })));
  if (v.tls != "letsencrypt") out.skip_files.emplace_back("nginx-bootstrap.conf.mustache");
  return {};
}

// ---- systemd -------------------------------------------------------------------------------------

std::string exec_start(const DeployValues& v) {
  const std::string workers = v.workers ? " --workers " + std::to_string(*v.workers) : "";
  if (v.server == "gunicorn") return v.venv + "/bin/gunicorn --config /etc/" + v.app + "/gunicorn.conf.py";
  if (v.server == "uvicorn")
    return v.venv + "/bin/uvicorn --fd 3" + workers + " --proxy-headers --forwarded-allow-ips 127.0.0.1 " +
           v.app_module;
  if (v.server == "daphne") return v.venv + "/bin/daphne --fd 3 --proxy-headers " + v.app_module;
  return v.deployctl + " serve --bind " + v.bind + workers + (v.asgi ? " --interface " + v.serve_interface : "") +
         " --timeout " + std::to_string(v.timeout) + " --graceful-timeout " + std::to_string(v.graceful_timeout) +
         " --chdir " + v.app_dir + " " + v.app_module;
}

Result<void> generate_systemd(const RenderInputs& inputs, TargetData& out) {
  const DeployValues v = resolve_deploy_values(inputs);
  for (const auto* key : {"app", "user", "app-module"}) v.require(key, "systemd", out);
  v.refuse("systemd", out);
  if (!out.missing.empty()) return {};
  Data& d = out.data;
  add_common_data(v, inputs, "systemd", d);
  d.set("server", v.server == "serve" ? "deployctl serve" : v.server);
  d.set("notify", Data(v.server == "serve" || v.server == "gunicorn"));
  d.set("exec_start", exec_start(v));
  d.set("listen_stream", v.listen_stream);
  d.set("unix_socket", Data(v.unix_socket));
  d.set("nginx_group", "www-data");
  d.set("graceful_timeout", std::to_string(v.graceful_timeout));
  d.set("timeout_stop", std::to_string(v.graceful_timeout + 10));
  return add_hardening(inputs, v.app + ".service", d);
}

// ---- gunicorn ------------------------------------------------------------------------------------

Result<void> generate_gunicorn(const RenderInputs& inputs, TargetData& out) {
  const DeployValues v = resolve_deploy_values(inputs);
  for (const auto* key : {"app", "app-module"}) v.require(key, "gunicorn", out);
  if (!out.missing.empty()) return {};
  Data& d = out.data;
  add_common_data(v, inputs, "gunicorn", d);
  d.set("app_module", v.app_module);
  d.set("bind", v.bind);
  if (v.workers) d.set("workers", std::to_string(*v.workers));
  d.set("timeout", std::to_string(v.timeout));
  d.set("graceful_timeout", std::to_string(v.graceful_timeout));
  d.set("proxy_timeout", std::to_string(std::max(v.timeout, v.graceful_timeout) + 5));
  d.set("timeout_stop", std::to_string(v.graceful_timeout + 10));
  d.set("forwarded_allow_ips", "127.0.0.1");
  return {};
}

bool uses_gunicorn(const RenderInputs& inputs) {
  return inputs.deploy.server && inputs.deploy.server->value == "gunicorn";
}

// ---- celery --------------------------------------------------------------------------------------

Result<void> generate_celery(const RenderInputs& inputs, TargetData& out) {
  const DeployValues v = resolve_deploy_values(inputs);
  for (const auto* key : {"app", "user"}) v.require(key, "celery", out);
  if (!out.missing.empty()) return {};
  add_common_data(v, inputs, "celery", out.data);
  return add_hardening(inputs, v.app + "-celery-worker.service", out.data);
}

bool uses_celery(const RenderInputs& inputs) { return inputs.facts.celery; }

// ---- backup --------------------------------------------------------------------------------------

Result<void> generate_backup(const RenderInputs& inputs, TargetData& out) {
  const DeployValues v = resolve_deploy_values(inputs);
  for (const auto* key : {"app", "user", "db-engine", "db-name"}) v.require(key, "backup", out);
  if (out.missing.empty() && v.db_engine != "postgresql" && v.db_engine != "sqlite")
    out.missing.push_back("render backup: the database engine '" + v.db_engine +
                          "' has no backup recipe; set db-engine to postgresql or sqlite in [deploy]");
  if (!out.missing.empty()) return {};
  Data& d = out.data;
  add_common_data(v, inputs, "backup", d);
  d.set("db_engine", v.db_engine);
  d.set("postgresql", Data(v.db_engine == "postgresql"));
  d.set("sqlite", Data(v.db_engine == "sqlite"));
  d.set("db_name", v.db_name);
  d.set("db_dir", fs::path(v.db_name).parent_path().string());
  if (v.db_engine == "postgresql" && v.db_name.empty()) d.set("db_url_variable", v.db_url_variable);
  d.set("backup_dir", v.backup_dir);
  d.set("keep_days", std::to_string(v.backup_keep_days));
  d.set("backup_script", "/usr/local/bin/" + v.app + "-backup");
  return add_hardening(inputs, v.app + "-backup.service", d);
}

bool has_backup_recipe(const RenderInputs& inputs) {
  if (inputs.deploy.db_engine) return true;
  const auto& db = inputs.facts.database;
  return db.known() && (db.value.engine == "postgresql" || db.value.engine == "sqlite");
}

// ---- logrotate -----------------------------------------------------------------------------------

Result<void> generate_logrotate(const RenderInputs& inputs, TargetData& out) {
  const DeployValues v = resolve_deploy_values(inputs);
  v.require("app", "logrotate", out);
  if (!out.missing.empty()) return {};
  Data& d = out.data;
  add_common_data(v, inputs, "logrotate", d);
  if (!v.log_files.empty()) {
    Data logs;
    logs.set("files", join(v.log_files, " "));
    logs.set("where", v.log_files_where);
    d.set("app_logs", logs);
  }
  d.set("unknown_logs", string_list(v.unknown_logs));
  return {};
}

// ---- env -----------------------------------------------------------------------------------------

Result<void> generate_env(const RenderInputs& inputs, TargetData& out) {
  const DeployValues v = resolve_deploy_values(inputs);
  v.require("app", "env", out);
  if (!out.missing.empty()) return {};
  Data& d = out.data;
  add_common_data(v, inputs, "env", d);
  Data variables{Data::type::list};
  for (const EnvVariable& variable : inputs.facts.env) {
    if (variable.name == "DJANGO_SETTINGS_MODULE") continue;
    Data entry;
    entry.set("name", variable.name);
    entry.set("where", variable.where);
    entry.set("status", variable.required ? "REQUIRED" : variable.unsafe_default ? "UNSAFE DEFAULT" : "optional");
    if (variable.cast) entry.set("cast", *variable.cast);
    entry.set("must_set", Data(variable.required || variable.unsafe_default));
    variables.push_back(entry);
  }
  d.set("variables", variables);
  return {};
}

// ---- CI ------------------------------------------------------------------------------------------

Result<void> generate_ci(const RenderInputs& inputs, TargetData& out) {
  const DeployValues v = resolve_deploy_values(inputs);
  add_common_data(v, inputs, "ci", out.data);
  out.data.set("project_path", ".");
  return {};
}

template <auto Name>
Result<void> generate_ci_named(const RenderInputs& inputs, TargetData& out) {
  auto result = generate_ci(inputs, out);
  const DeployValues v = resolve_deploy_values(inputs);
  add_common_data(v, inputs, Name(), out.data);
  return result;
}

// ---- the table -----------------------------------------------------------------------------------

constexpr FileSpec nginx_files[] = {
    {"nginx.conf.mustache", "nginx/{app}.conf", mode_0644},
    {"nginx-bootstrap.conf.mustache", "nginx/{app}-bootstrap.conf", mode_0644},
};
constexpr FileSpec systemd_files[] = {
    {"systemd.socket.mustache", "systemd/{app}.socket", mode_0644},
    {"systemd.service.mustache", "systemd/{app}.service", mode_0644},
};
constexpr FileSpec gunicorn_files[] = {{"gunicorn.conf.py.mustache", "gunicorn/gunicorn.conf.py", mode_0644}};
constexpr FileSpec celery_files[] = {
    {"celery-worker.service.mustache", "systemd/{app}-celery-worker.service", mode_0644},
    {"celery-beat.service.mustache", "systemd/{app}-celery-beat.service", mode_0644},
};
constexpr FileSpec backup_files[] = {
    {"backup.sh.mustache", "backup/{app}-backup", mode_0755},
    {"backup.service.mustache", "systemd/{app}-backup.service", mode_0644},
    {"backup.timer.mustache", "systemd/{app}-backup.timer", mode_0644},
};
constexpr FileSpec logrotate_files[] = {{"logrotate.mustache", "logrotate/{app}", mode_0644}};
constexpr FileSpec env_files[] = {{"env.mustache", "env/{app}.env", mode_0600}};
constexpr FileSpec ci_github_files[] = {{"ci-github.yml.mustache", "ci/github/deployctl.yml", mode_0644}};
constexpr FileSpec ci_gitlab_files[] = {{"ci-gitlab.yml.mustache", "ci/gitlab/.gitlab-ci.yml", mode_0644}};

constexpr std::string_view ci_github_name() { return "ci-github"; }
constexpr std::string_view ci_gitlab_name() { return "ci-gitlab"; }

const Target target_table[] = {
    {"nginx", "nginx site: TLS, redirects, static and media, proxy to the app server", nginx_files, always,
     generate_nginx},
    {"systemd", "socket and service units for the app server, hardened", systemd_files, always, generate_systemd},
    {"gunicorn", "gunicorn.conf.py (when [deploy] server is gunicorn)", gunicorn_files, uses_gunicorn,
     generate_gunicorn},
    {"celery", "Celery worker and beat units (when Celery is configured)", celery_files, uses_celery, generate_celery},
    {"backup", "database backup script with retention, plus its service and daily timer", backup_files,
     has_backup_recipe, generate_backup},
    {"logrotate", "logrotate config for the nginx logs and LOGGING's files", logrotate_files, always,
     generate_logrotate},
    {"env", "EnvironmentFile skeleton: every variable the settings read (mode 0600)", env_files, always, generate_env},
    {"ci-github", "GitHub Actions workflow running deployctl check", ci_github_files, always,
     generate_ci_named<ci_github_name>},
    {"ci-gitlab", "GitLab CI pipeline running deployctl check", ci_gitlab_files, always,
     generate_ci_named<ci_gitlab_name>},
};

}  // namespace

std::span<const Target> targets() { return target_table; }

const Target* find_target(std::string_view name) {
  for (const Target& target : target_table)
    if (target.name == name) return &target;
  return nullptr;
}

std::vector<std::string> target_names() {
  std::vector<std::string> names;
  for (const Target& target : target_table) names.emplace_back(target.name);
  names.emplace_back("all");
  return names;
}

}  // namespace deployctl::generators
