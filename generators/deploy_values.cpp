// Resolution order for every value: --set, then [deploy], then the settings facts, then a documented default.
#include "generators/deploy_values.hpp"

#include <algorithm>

#include "core/option_values.hpp"
#include "core/options.hpp"
#include "core/version.hpp"

namespace deployctl::generators {

namespace {

namespace fs = std::filesystem;

std::string text_or(const std::optional<ConfigString>& value, std::string fallback) {
  return value ? value->value : std::move(fallback);
}

std::string with_slash(std::string path) {
  if (path.empty() || path.back() != '/') path += '/';
  return path;
}

// A path from the settings as the server sees it: under the analysed project dir it moves to app-dir (BASE_DIR
// there), a relative one is relative to the working directory (app-dir), an absolute one stays.
std::string on_server(const std::string& path, const SettingsFacts& facts, const std::string& app_dir) {
  const fs::path written(path);
  if (written.is_relative()) return (fs::path(app_dir) / written).lexically_normal().string();
  const fs::path normal = written.lexically_normal();
  const fs::path relative = normal.lexically_relative(facts.project_dir);
  if (!facts.project_dir.empty() && !relative.empty() && *relative.begin() != "..")
    return relative == "." ? app_dir : (fs::path(app_dir) / relative).lexically_normal().string();
  return normal.string();
}

// "HTTP_X_FORWARDED_PROTO" -> "X-Forwarded-Proto".
std::string http_header_name(std::string_view meta_key) {
  if (meta_key.starts_with("HTTP_")) meta_key.remove_prefix(5);
  std::string out;
  bool word_start = true;
  for (const char c : meta_key) {
    if (c == '_') {
      out += '-';
      word_start = true;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += static_cast<char>(word_start ? std::toupper(byte) : std::tolower(byte));
    word_start = false;
  }
  return out;
}

std::string sanitized_id(std::string_view name) {
  std::string out;
  for (const char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

void resolve_locations(const RenderInputs& inputs, DeployValues& v) {
  const auto& d = inputs.deploy;
  const auto& f = inputs.facts;
  const auto location = [&](const std::optional<ConfigString>& url_key, const Fact<std::string>& url_fact,
                            const std::optional<ConfigString>& root_key, const Fact<std::string>& root_fact,
                            std::string_view url_name, std::string_view root_name) -> std::optional<Location> {
    std::string url;
    if (url_key)
      url = url_key->value;
    else if (url_fact.known())
      url = url_fact.value;
    else if (url_fact.unknown()) {
      v.unknown.emplace_back(std::string(url_name), url_fact.why_unknown);
      return std::nullopt;
    } else
      return std::nullopt;                           // not configured: Django serves no such files
    if (!url.starts_with('/')) return std::nullopt;  // a full URL: another host (a CDN) serves them
    Location out{with_slash(url), {}, {}};
    if (root_key) {
      out.root = with_slash(root_key->value);
      out.where = "[deploy] " + std::string(root_name);
    } else if (root_fact.known()) {
      out.root = with_slash(on_server(root_fact.value, f, v.app_dir));
      out.where = root_fact.where;
    } else if (root_fact.unknown()) {
      v.unknown.emplace_back(std::string(root_name), root_fact.why_unknown);
      return std::nullopt;
    } else {
      return std::nullopt;
    }
    return out;
  };
  v.static_files = location(d.static_url, f.static_url, d.static_root, f.static_root, "static-url", "static-root");
  v.media_files = location(d.media_url, f.media_url, d.media_root, f.media_root, "media-url", "media-root");
}

void resolve_headers(const RenderInputs& inputs, DeployValues& v) {
  const auto& f = inputs.facts;
  // An unknown middleware list may include SecurityMiddleware: nginx then stays out of its headers.
  const bool security = !f.security_middleware.known() || f.security_middleware.value;
  const bool xframe = !f.xframe_middleware.known() || f.xframe_middleware.value;
  const bool nosniff = security && !(f.content_type_nosniff.known() && !f.content_type_nosniff.value);
  const bool referrer =
      security && !(f.referrer_policy.state == Fact<std::string>::State::unset && !f.referrer_policy.where.empty());
  const std::vector<Header> all = {
      {"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "same-origin"}, {"X-Frame-Options", "DENY"}};
  const bool by_django[] = {nosniff, referrer, xframe};
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (by_django[i])
      v.django_headers.push_back(all[i].name);
    else
      v.nginx_headers.push_back(all[i]);
    v.static_headers.push_back(all[i]);
  }

  if (inputs.deploy.hsts) {
    v.hsts_owner = inputs.deploy.hsts->value;
  } else if (f.hsts_seconds.unknown()) {
    v.unknown.emplace_back("hsts",
                           f.hsts_seconds.why_unknown + ", so who sends HSTS (django, nginx or off) is not known");
  } else if (f.hsts_seconds.known() && f.hsts_seconds.value > 0 && security) {
    v.hsts_owner = "django";
  } else {
    v.hsts_owner = "nginx";
  }
  if (v.tls == "none" && v.hsts_owner == "nginx") v.hsts_owner = "off";
  if (v.hsts_owner == "django") v.django_headers.emplace_back("Strict-Transport-Security");
  if (v.hsts_owner == "nginx") {
    const Header hsts{"Strict-Transport-Security", "max-age=31536000"};
    v.nginx_headers.push_back(hsts);
    v.static_headers.push_back(hsts);
  }

  if (f.proxy_ssl_header.known()) {
    const auto& [meta_key, expected] = f.proxy_ssl_header.value;
    std::string name = http_header_name(meta_key);
    v.proxy_ssl_where = f.proxy_ssl_header.where;
    // X-Forwarded-Proto $scheme is always sent; only a different header needs its own line.
    if (!(name == "X-Forwarded-Proto" && expected == "https"))
      v.proxy_ssl_header = std::pair(std::move(name), v.tls == "none" ? std::string("\"\"") : "\"" + expected + "\"");
  }
}

void resolve_database(const RenderInputs& inputs, DeployValues& v) {
  const auto& d = inputs.deploy;
  const auto& f = inputs.facts;
  v.db_url_variable = f.database_url_variable;
  if (d.db_engine)
    v.db_engine = d.db_engine->value;
  else if (f.database.known())
    v.db_engine = f.database.value.engine;
  else
    v.unknown.emplace_back("db-engine",
                           f.database.unknown() ? f.database.why_unknown : "DATABASES is not set in the settings");
  if (d.db_name) {
    v.db_name = d.db_engine && d.db_engine->value == "sqlite" ? d.db_name->value : d.db_name->value;
  } else if (f.database.known() && !f.database.value.name.empty()) {
    v.db_name = v.db_engine == "sqlite" ? on_server(f.database.value.name, f, v.app_dir) : f.database.value.name;
  } else if (v.db_engine == "postgresql" && !v.db_url_variable.empty()) {
    v.db_name.clear();  // pg_dump reads the URL from the environment file
  } else {
    v.unknown.emplace_back(
        "db-name", f.database.unknown() ? f.database.why_unknown : "the database NAME is not set in the settings");
  }
  if (!v.db_name.empty() && v.db_engine == "sqlite") v.db_url_variable.clear();
}

// Whether `module:callable` names an ASGI module by Django's convention: mysite.asgi:application.
bool names_asgi_module(std::string_view app) {
  const std::string_view module = app.substr(0, app.find(':'));
  return module == "asgi" || module.ends_with(".asgi");
}

// What deployctl serve runs when [deploy] interface does not say: [serve] interface, else an app module named
// *.asgi ([deploy] app-module, then [serve] app); else WSGI, as serve's default app is */wsgi.py.
bool serve_runs_asgi(const DeployConfig& d, const ServeConfig& serve) {
  if (serve.interface && serve.interface->value != "auto") return serve.interface->value != "wsgi";
  if (d.app_module) return names_asgi_module(d.app_module->value);
  return serve.app && names_asgi_module(serve.app->value);
}

// uvicorn and daphne run ASGI apps and gunicorn WSGI ones as the rendered units start them; deployctl serve runs
// either (serve_runs_asgi).
void resolve_interface(const DeployConfig& d, const ServeConfig& serve, DeployValues& v) {
  const bool asgi_server = v.server == "uvicorn" || v.server == "daphne";
  if (d.interface)
    v.asgi = d.interface->value == "asgi";
  else
    v.asgi = v.server == "serve" ? serve_runs_asgi(d, serve) : asgi_server;
  if (serve.interface && serve.interface->value == "asgi2") v.serve_interface = "asgi2";
  if (d.interface && v.server != "serve" && v.asgi != asgi_server)
    v.refused.push_back("[deploy] interface is " + d.interface->value + ", but the units run " + v.server +
                        ", which serves " + (asgi_server ? "ASGI" : "WSGI") +
                        " apps only: remove interface, or set server to one that speaks it (serve speaks both)");
  if (d.websocket_paths) {
    for (const auto& path : *d.websocket_paths) {
      if (!path.value.starts_with('/') || path.value == "/")
        v.refused.push_back("[deploy] websocket-paths entry '" + path.value +
                            "' is not a URL prefix below /: write it as /ws/ (leave websocket-paths out for every "
                            "path)");
      else
        v.websocket_paths.push_back(path.value);
    }
    if (!v.asgi)
      v.refused.push_back("[deploy] websocket-paths is set, but the app speaks WSGI (server = " + v.server +
                          "), which has no WebSockets: " +
                          (v.server == "serve" ? "set interface = \"asgi\" when deployctl serve runs an ASGI app"
                                               : "set server to uvicorn, daphne, or serve with interface = \"asgi\""));
  }
  v.websocket_timeout = d.websocket_timeout->value;
}

void resolve_app_module(const RenderInputs& inputs, DeployValues& v) {
  if (inputs.deploy.app_module) {
    v.app_module = inputs.deploy.app_module->value;
    return;
  }
  if (v.server == "serve" && inputs.serve.app) {  // what `deployctl serve` in this project runs already
    v.app_module = inputs.serve.app->value;
    return;
  }
  const auto& f = inputs.facts;
  const bool asgi = v.asgi;
  const Fact<std::string>& written = asgi ? f.asgi_application : f.wsgi_application;
  const std::string setting = asgi ? "ASGI_APPLICATION" : "WSGI_APPLICATION";
  if (written.known()) {
    const auto dot = written.value.rfind('.');
    if (dot != std::string::npos) {
      v.app_module = written.value.substr(0, dot) + ":" + written.value.substr(dot + 1);
      return;
    }
  }
  if (written.unknown()) {
    v.unknown.emplace_back("app-module", written.why_unknown);
    return;
  }
  const std::string module = asgi ? "asgi" : "wsgi";
  std::error_code ec;
  if (!f.project_package.empty() && fs::is_regular_file(f.project_dir / f.project_package / (module + ".py"), ec)) {
    v.app_module = f.project_package + "." + module + ":application";
    return;
  }
  v.unknown.emplace_back("app-module",
                         setting + " is not set and there is no " + f.project_package + "/" + module + ".py");
}

}  // namespace

void DeployValues::refuse(std::string_view target, TargetData& data) const {
  for (const auto& why : refused) data.missing.push_back("render " + std::string(target) + ": " + why + ".");
}

void DeployValues::require(std::string_view key, std::string_view target, TargetData& data) const {
  for (const auto& [unknown_key, why] : unknown) {
    if (unknown_key != key) continue;
    data.missing.push_back("render " + std::string(target) + ": missing required value '" + std::string(key) +
                           "': " + why + ". Set " + std::string(key) +
                           " in the [deploy] table of deployctl.toml or pass --set deploy." + std::string(key) +
                           "=VALUE.");
  }
}

DeployValues resolve_deploy_values(const RenderInputs& inputs) {
  DeployConfig d = inputs.deploy;
  apply_defaults(deploy_options(), d);  // the fixed defaults of core/options/deploy_options.cpp
  const auto& f = inputs.facts;
  DeployValues v;
  v.app = text_or(d.app, f.project_package);
  if (v.app.empty()) v.unknown.emplace_back("app", "the project has no settings package to name the app after");
  v.app_id = sanitized_id(v.app);
  v.settings_module = f.settings_module;
  v.project_package = f.project_package;

  if (d.domains) {
    for (const auto& domain : *d.domains) v.domains.push_back(domain.value);
  } else if (f.allowed_hosts.known()) {
    v.domains = f.allowed_hosts.value;
  } else {
    v.unknown.emplace_back("domains", f.allowed_hosts.unknown() ? f.allowed_hosts.why_unknown
                                                                : "ALLOWED_HOSTS is not set in the settings");
  }

  v.user = text_or(d.user, v.app);
  v.group = text_or(d.group, v.user);
  if (v.user == "root" || v.group == "root")
    v.unknown.emplace_back("user", "the app must not run as root; give it a system user of its own");
  v.app_dir = text_or(d.app_dir, "/srv/" + v.app);
  v.venv = text_or(d.venv, v.app_dir + "/venv");
  v.env_file = text_or(d.env_file, "/etc/" + v.app + "/env");
  v.server = d.server->value;
  v.deployctl = d.deployctl->value;
  resolve_interface(d, inputs.serve, v);
  resolve_app_module(inputs, v);

  v.bind = text_or(d.bind, "unix:/run/" + v.app + ".sock");
  v.unix_socket = v.bind.starts_with("unix:");
  v.listen_stream = v.unix_socket ? v.bind.substr(5) : v.bind;
  if (d.upstream_hosts) {
    for (const auto& host : *d.upstream_hosts) v.upstream_servers.push_back(host.value);
  } else {
    v.upstream_servers.push_back(v.bind);
  }
  if (d.workers) v.workers = d.workers->value;
  v.timeout = d.timeout->value;
  v.graceful_timeout = d.graceful_timeout->value;

  v.tls = d.tls->value;
  const std::string canonical = v.domains.empty() ? "" : v.domains.front();
  if (v.tls == "letsencrypt") {
    v.certificate = text_or(d.certificate, "/etc/letsencrypt/live/" + canonical + "/fullchain.pem");
    v.certificate_key = text_or(d.certificate_key, "/etc/letsencrypt/live/" + canonical + "/privkey.pem");
  } else if (v.tls == "custom") {
    v.certificate = text_or(d.certificate, "");
    v.certificate_key = text_or(d.certificate_key, "");
    if (v.certificate.empty())
      v.unknown.emplace_back("certificate", "tls is custom, so the certificate path is needed");
    if (v.certificate_key.empty())
      v.unknown.emplace_back("certificate-key", "tls is custom, so the private key path is needed");
  }
  v.dhparam = text_or(d.dhparam, "");
  v.max_body_size = d.max_body_size->value;
  v.acme_root = d.acme_root->value;
  v.log_dir = d.log_dir->value;
  v.listen_address = text_or(d.listen_address, "");
  v.http_port = d.http_port->value;
  v.https_port = d.https_port->value;
  v.ipv6 = d.ipv6->value;

  resolve_locations(inputs, v);
  resolve_headers(inputs, v);

  if (f.log_files.known()) {
    for (const auto& file : f.log_files.value) v.log_files.push_back(on_server(file, f, v.app_dir));
    v.log_files_where = f.log_files.where;
  } else if (f.log_files.unknown()) {
    v.unknown_logs.push_back("Not rotated: " + f.log_files.why_unknown + ".");
  }

  resolve_database(inputs, v);
  v.backup_dir = text_or(d.backup_dir, "/var/backups/" + v.app);
  v.backup_keep_days = d.backup_keep_days->value;

  if (v.media_files) v.read_write_paths.push_back("-" + v.media_files->root);
  for (const auto& file : v.log_files) {
    const std::string dir = "-" + fs::path(file).parent_path().string();
    if (std::ranges::find(v.read_write_paths, dir) == v.read_write_paths.end()) v.read_write_paths.push_back(dir);
  }
  if (v.db_engine == "sqlite" && !v.db_name.empty())
    v.read_write_paths.push_back("-" + fs::path(v.db_name).parent_path().string());
  return v;
}

void add_common_data(const DeployValues& v, const RenderInputs& inputs, std::string_view target, Data& data) {
  const std::string command =
      "deployctl render " + std::string(target) + (inputs.regenerate_args.empty() ? "" : " " + inputs.regenerate_args);
  data.set("header", "# Generated by deployctl " + std::string(version) + ". Do not edit: change " +
                         inputs.config_name + " or the template, then run:\n#   " + command);
  data.set("version", std::string(version));
  data.set("app", v.app);
  data.set("app_id", v.app_id);
  data.set("user", v.user);
  data.set("group", v.group);
  data.set("app_dir", v.app_dir);
  data.set("venv", v.venv);
  data.set("env_file", v.env_file);
  data.set("settings_module", v.settings_module);
  data.set("project_package", v.project_package);
  data.set("log_dir", v.log_dir);
  std::string read_write;
  for (const auto& path : v.read_write_paths) read_write += (read_write.empty() ? "" : " ") + path;
  if (!read_write.empty()) data.set("read_write_paths", read_write);
}

}  // namespace deployctl::generators
