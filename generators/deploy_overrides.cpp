// Each --set is turned into a one-key TOML document and read by core/config's schema, so that the flag and the
// file accept exactly the same keys and values; the parsed member then replaces the file's.
#include "generators/deploy_overrides.hpp"

#include <algorithm>
#include <span>
#include <string>
#include <vector>

namespace deployctl::generators {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string toml_list(std::string_view text) {
  std::string out = "[";
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string_view item = trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    if (!item.empty()) out += (out.size() > 1 ? ", " : "") + toml_string(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out + "]";
}

bool is_integer(std::string_view text) {
  if (text.starts_with('-')) text.remove_prefix(1);
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// Every member of `overlay` that is set replaces the one of `base`: the overlay holds a single key.
template <typename Section>
void merge(Section& base, Section&& overlay);

template <typename T>
void take(std::optional<T>& base, std::optional<T>& overlay) {
  if (overlay) base = std::move(overlay);
}

template <>
void merge(DeployConfig& base, DeployConfig&& o) {
  take(base.app, o.app), take(base.domains, o.domains), take(base.user, o.user), take(base.group, o.group);
  take(base.app_dir, o.app_dir), take(base.venv, o.venv), take(base.env_file, o.env_file);
  take(base.server, o.server), take(base.app_module, o.app_module), take(base.bind, o.bind);
  take(base.upstream_hosts, o.upstream_hosts), take(base.workers, o.workers), take(base.timeout, o.timeout);
  take(base.graceful_timeout, o.graceful_timeout), take(base.tls, o.tls), take(base.certificate, o.certificate);
  take(base.certificate_key, o.certificate_key), take(base.dhparam, o.dhparam);
  take(base.max_body_size, o.max_body_size), take(base.static_root, o.static_root);
  take(base.static_url, o.static_url), take(base.media_root, o.media_root), take(base.media_url, o.media_url);
  take(base.hsts, o.hsts), take(base.acme_root, o.acme_root), take(base.log_dir, o.log_dir);
  take(base.listen_address, o.listen_address), take(base.http_port, o.http_port);
  take(base.https_port, o.https_port), take(base.ipv6, o.ipv6), take(base.db_engine, o.db_engine);
  take(base.db_name, o.db_name), take(base.backup_dir, o.backup_dir);
  take(base.backup_keep_days, o.backup_keep_days), take(base.deployctl, o.deployctl);
}

template <>
void merge(RenderConfig& base, RenderConfig&& o) {
  take(base.templates, o.templates);
}

// The keys whose values are arrays; every other value is a string unless it reads as an integer or boolean.
constexpr std::string_view list_keys[] = {"domains", "upstream-hosts"};
constexpr std::string_view integer_keys[] = {"workers", "timeout", "graceful-timeout", "http-port", "https-port",
                                             "backup-keep-days"};
constexpr std::string_view bool_keys[] = {"ipv6"};

bool listed(std::span<const std::string_view> keys, std::string_view key) {
  return std::ranges::find(keys, key) != keys.end();
}

}  // namespace

Result<void> apply_override(ProjectConfig& config, std::string_view assignment) {
  const std::string shown = "--set " + std::string(assignment);
  const std::size_t equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0)
    return fail(shown + ": expected KEY=VALUE, e.g. --set deploy.domains=example.com,www.example.com");
  std::string_view key = trim(assignment.substr(0, equals));
  const std::string_view value = trim(assignment.substr(equals + 1));
  std::string table = "deploy";
  if (key.starts_with("deploy.")) {
    key.remove_prefix(7);
  } else if (key.starts_with("render.")) {
    key.remove_prefix(7);
    table = "render";
  }
  std::string toml_value;
  if (listed(list_keys, key)) toml_value = toml_list(value);
  else if (listed(integer_keys, key) && is_integer(value)) toml_value = std::string(value);
  else if (listed(bool_keys, key) && (value == "true" || value == "false")) toml_value = std::string(value);
  else toml_value = toml_string(value);
  std::string key_text(key);
  if (key_text.empty() || key_text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
    return fail(shown + ": '" + key_text + "' is not a key of [deploy] or [render]");

  const std::string document = "[" + table + "]\n" + key_text + " = " + toml_value + "\n";
  auto parsed = parse_project_config(document, config.path.empty() ? "deployctl.toml" : config.path, false);
  if (!parsed) {
    // The message names the one-line document's position; name the flag instead.
    std::string message = parsed.error().message;
    const std::size_t position_end = message.find(": ");
    if (position_end != std::string::npos) message = message.substr(position_end + 2);
    return fail(shown + ": " + message);
  }
  if (table == "deploy") merge(config.deploy, std::move(parsed->deploy));
  else merge(config.render, std::move(parsed->render));
  return {};
}

}  // namespace deployctl::generators
