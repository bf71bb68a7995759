// [deploy]: what `deployctl render` knows about the host beyond the settings, as keys and as --set deploy.KEY=VALUE.
// Defaults written as "APP", "DOMAIN" are computed from other values by generators/deploy_values.cpp.
#include "core/options.hpp"

#include <array>

namespace deployctl {

namespace {

using D = DeployConfig;
constexpr unsigned keyed = use_key | use_set;
constexpr std::array<std::string_view, 4> server_kinds = {"serve", "gunicorn", "uvicorn", "daphne"};
constexpr std::array<std::string_view, 3> tls_modes = {"letsencrypt", "custom", "none"};
constexpr std::array<std::string_view, 3> hsts_owners = {"django", "nginx", "off"};
constexpr std::array<std::string_view, 2> db_engines = {"postgresql", "sqlite"};

const Option<D> rows[] = {
    {.name = "app", .member = &D::app,
     .help = "The app's name: units, sockets, log files (default: the settings package's name)", .uses = keyed},
    {.name = "domains", .member = &D::domains,
     .help = "Server names, the first canonical (default: ALLOWED_HOSTS)", .uses = keyed},
    {.name = "user", .member = &D::user, .help = "The app's system user, never root (default: APP)", .uses = keyed},
    {.name = "group", .member = &D::group, .help = "The app's group (default: the user)", .uses = keyed},
    {.name = "app-dir", .member = &D::app_dir, .help = "Where the project is deployed (default: /srv/APP)",
     .uses = keyed},
    {.name = "venv", .member = &D::venv, .help = "The app's virtualenv (default: APP_DIR/venv)", .uses = keyed},
    {.name = "env-file", .member = &D::env_file, .help = "The units' EnvironmentFile (default: /etc/APP/env)",
     .uses = keyed},
    {.name = "server", .member = &D::server, .help = "The app server the units run", .fallback = "serve",
     .uses = keyed, .choices = server_kinds},
    {.name = "app-module", .member = &D::app_module,
     .help = "module:callable of the WSGI/ASGI app (default: WSGI_APPLICATION or ASGI_APPLICATION)", .uses = keyed},
    {.name = "bind", .member = &D::bind, .help = "unix:/PATH or HOST:PORT (default: unix:/run/APP.sock)",
     .uses = keyed},
    {.name = "upstream-hosts", .member = &D::upstream_hosts,
     .help = "Several app hosts (HOST:PORT) behind nginx (default: bind)", .uses = keyed},
    {.name = "workers", .member = &D::workers, .help = "Worker processes (default: the app server's own)",
     .uses = keyed},
    {.name = "timeout", .member = &D::timeout, .help = "The app server's request timeout, seconds", .fallback = "30",
     .uses = keyed},
    {.name = "graceful-timeout", .member = &D::graceful_timeout, .help = "Seconds to drain on stop",
     .fallback = "30", .uses = keyed},
    {.name = "tls", .member = &D::tls, .help = "Who provides the certificate", .fallback = "letsencrypt",
     .uses = keyed, .choices = tls_modes},
    {.name = "certificate", .member = &D::certificate,
     .help = "The certificate chain (default with letsencrypt: /etc/letsencrypt/live/DOMAIN/fullchain.pem)",
     .uses = keyed},
    {.name = "certificate-key", .member = &D::certificate_key,
     .help = "The private key (default with letsencrypt: /etc/letsencrypt/live/DOMAIN/privkey.pem)", .uses = keyed},
    {.name = "dhparam", .member = &D::dhparam, .help = "A Diffie-Hellman parameters file (default: none)",
     .uses = keyed},
    {.name = "max-body-size", .member = &D::max_body_size, .help = "nginx's client_max_body_size",
     .fallback = "10m", .uses = keyed},
    {.name = "static-root", .member = &D::static_root,
     .help = "STATIC_ROOT as the server sees it (default: the settings')", .uses = keyed},
    {.name = "static-url", .member = &D::static_url, .help = "STATIC_URL (default: the settings')", .uses = keyed},
    {.name = "media-root", .member = &D::media_root, .help = "MEDIA_ROOT as the server sees it (default: the "
                                                             "settings')",
     .uses = keyed},
    {.name = "media-url", .member = &D::media_url, .help = "MEDIA_URL (default: the settings')", .uses = keyed},
    {.name = "hsts", .member = &D::hsts,
     .help = "Who sends Strict-Transport-Security (default: django when the settings enable it, else nginx)",
     .uses = keyed, .choices = hsts_owners},
    {.name = "acme-root", .member = &D::acme_root, .help = "The webroot of the ACME challenge",
     .fallback = "/var/www/letsencrypt", .uses = keyed},
    {.name = "log-dir", .member = &D::log_dir, .help = "nginx's per-site logs", .fallback = "/var/log/nginx",
     .uses = keyed},
    {.name = "listen-address", .member = &D::listen_address,
     .help = "nginx listens on this address only (default: every address)", .uses = keyed},
    {.name = "http-port", .member = &D::http_port, .help = "nginx's HTTP port", .fallback = "80", .uses = keyed},
    {.name = "https-port", .member = &D::https_port, .help = "nginx's HTTPS port", .fallback = "443",
     .uses = keyed},
    {.name = "ipv6", .member = &D::ipv6, .help = "nginx also listens on [::]", .fallback = "true", .uses = keyed},
    {.name = "db-engine", .member = &D::db_engine,
     .help = "postgresql or sqlite, when DATABASES is not known statically (default: the settings')",
     .uses = keyed, .choices = db_engines},
    {.name = "db-name", .member = &D::db_name, .help = "The database to back up (default: the settings')",
     .uses = keyed},
    {.name = "backup-dir", .member = &D::backup_dir, .help = "Where backups go (default: /var/backups/APP)",
     .uses = keyed},
    {.name = "backup-keep-days", .member = &D::backup_keep_days, .help = "Days of backups kept", .fallback = "14",
     .uses = keyed},
    {.name = "deployctl", .member = &D::deployctl, .help = "The deployctl binary the units run",
     .fallback = "/usr/local/bin/deployctl", .uses = keyed},
};

}  // namespace

std::span<const Option<DeployConfig>> deploy_options() { return rows; }

}  // namespace deployctl
