// Loads deployctl.toml through one schema: a table per subcommand, a row per key naming the flag it mirrors.
// Adding a table ([deploy], [render], ...) is a struct in config.hpp, a key table here and one line in schema().
#include "core/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <functional>
#include <span>
#include <string_view>
#include <tuple>
#include <variant>

#include "core/files.hpp"
#include "core/suggest.hpp"

namespace deployctl {

namespace fs = std::filesystem;

std::string ConfigPosition::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string ProjectConfig::description() const {
  return from_pyproject ? path.filename().string() + " [tool.deployctl]" : path.filename().string();
}

namespace {

constexpr std::string_view config_file_name = "deployctl.toml";
constexpr std::string_view pyproject_file_name = "pyproject.toml";
constexpr std::array<std::string_view, 3> severity_names = {"error", "warning", "info"};

// ---- the schema ----------------------------------------------------------------------------------

template <typename Section>
using Field = std::variant<std::optional<ConfigString> Section::*,               // a string
                           std::optional<std::vector<ConfigString>> Section::*,  // an array of strings
                           std::optional<std::vector<ConfigEntry>> Section::*,   // a table of strings
                           std::optional<ConfigInteger> Section::*,              // an integer
                           std::optional<ConfigBool> Section::*>;                // a boolean

template <typename Section>
struct KeySpec {
  std::string_view name;  // the TOML key, spelled like the flag without its dashes
  std::string_view flag;  // the CLI flag it mirrors, for messages
  Field<Section> field;
  std::span<const std::string_view> choices;  // allowed string values (table values for tables); empty: any
  bool relative_paths = false;                // the string or array items are paths relative to the config's directory
};

const std::array<KeySpec<CheckConfig>, 19> check_keys = {{
    {"settings", "--settings", &CheckConfig::settings, {}, false},
    {"env-file", "--env-file", &CheckConfig::env_files, {}, true},
    {"env", "--env", &CheckConfig::env, {}, false},
    {"select", "--select", &CheckConfig::select, {}, false},
    {"ignore", "--ignore", &CheckConfig::ignore, {}, false},
    {"fail-on", "--fail-on", &CheckConfig::fail_on, severity_names, false},
    {"format", "--format", &CheckConfig::format, {}, false},
    {"severity", "--severity", &CheckConfig::severity, severity_names, false},
    {"output", "--output", &CheckConfig::output, {}, true},
    {"statistics", "--statistics", &CheckConfig::statistics, {}, false},
    {"quiet", "--quiet", &CheckConfig::quiet, {}, false},
    {"exit-zero", "--exit-zero", &CheckConfig::exit_zero, {}, false},
    {"show-source", "--show-source", &CheckConfig::show_source, {}, false},
    {"baseline", "--baseline", &CheckConfig::baseline, {}, true},
    {"write-baseline", "--write-baseline", &CheckConfig::write_baseline, {}, true},
    {"no-git", "--no-git", &CheckConfig::no_git, {}, false},
    {"all-paths", "--all-paths", &CheckConfig::all_paths, {}, false},
    {"new-since", "--new-since", &CheckConfig::new_since, {}, false},
    {"django", "--django", &CheckConfig::django, {}, false},
}};

// [deploy], [render] and [serve]: one row per key, added with the flag or value it mirrors.
constexpr std::array<std::string_view, 4> server_kinds = {"serve", "gunicorn", "uvicorn", "daphne"};
constexpr std::array<std::string_view, 3> tls_modes = {"letsencrypt", "custom", "none"};
constexpr std::array<std::string_view, 3> hsts_owners = {"django", "nginx", "off"};
constexpr std::array<std::string_view, 2> db_engines = {"postgresql", "sqlite"};
const std::array<KeySpec<DeployConfig>, 35> deploy_keys = {{
    {"app", "--set deploy.app", &DeployConfig::app, {}, false},
    {"domains", "--set deploy.domains", &DeployConfig::domains, {}, false},
    {"user", "--set deploy.user", &DeployConfig::user, {}, false},
    {"group", "--set deploy.group", &DeployConfig::group, {}, false},
    {"app-dir", "--set deploy.app-dir", &DeployConfig::app_dir, {}, false},
    {"venv", "--set deploy.venv", &DeployConfig::venv, {}, false},
    {"env-file", "--set deploy.env-file", &DeployConfig::env_file, {}, false},
    {"server", "--set deploy.server", &DeployConfig::server, server_kinds, false},
    {"app-module", "--set deploy.app-module", &DeployConfig::app_module, {}, false},
    {"bind", "--set deploy.bind", &DeployConfig::bind, {}, false},
    {"upstream-hosts", "--set deploy.upstream-hosts", &DeployConfig::upstream_hosts, {}, false},
    {"workers", "--set deploy.workers", &DeployConfig::workers, {}, false},
    {"timeout", "--set deploy.timeout", &DeployConfig::timeout, {}, false},
    {"graceful-timeout", "--set deploy.graceful-timeout", &DeployConfig::graceful_timeout, {}, false},
    {"tls", "--set deploy.tls", &DeployConfig::tls, tls_modes, false},
    {"certificate", "--set deploy.certificate", &DeployConfig::certificate, {}, false},
    {"certificate-key", "--set deploy.certificate-key", &DeployConfig::certificate_key, {}, false},
    {"dhparam", "--set deploy.dhparam", &DeployConfig::dhparam, {}, false},
    {"max-body-size", "--set deploy.max-body-size", &DeployConfig::max_body_size, {}, false},
    {"static-root", "--set deploy.static-root", &DeployConfig::static_root, {}, false},
    {"static-url", "--set deploy.static-url", &DeployConfig::static_url, {}, false},
    {"media-root", "--set deploy.media-root", &DeployConfig::media_root, {}, false},
    {"media-url", "--set deploy.media-url", &DeployConfig::media_url, {}, false},
    {"hsts", "--set deploy.hsts", &DeployConfig::hsts, hsts_owners, false},
    {"acme-root", "--set deploy.acme-root", &DeployConfig::acme_root, {}, false},
    {"log-dir", "--set deploy.log-dir", &DeployConfig::log_dir, {}, false},
    {"listen-address", "--set deploy.listen-address", &DeployConfig::listen_address, {}, false},
    {"http-port", "--set deploy.http-port", &DeployConfig::http_port, {}, false},
    {"https-port", "--set deploy.https-port", &DeployConfig::https_port, {}, false},
    {"ipv6", "--set deploy.ipv6", &DeployConfig::ipv6, {}, false},
    {"db-engine", "--set deploy.db-engine", &DeployConfig::db_engine, db_engines, false},
    {"db-name", "--set deploy.db-name", &DeployConfig::db_name, {}, false},
    {"backup-dir", "--set deploy.backup-dir", &DeployConfig::backup_dir, {}, false},
    {"backup-keep-days", "--set deploy.backup-keep-days", &DeployConfig::backup_keep_days, {}, false},
    {"deployctl", "--set deploy.deployctl", &DeployConfig::deployctl, {}, false},
}};
const std::array<KeySpec<RenderConfig>, 1> render_keys = {{
    {"templates", "--templates", &RenderConfig::templates, {}, false},
}};
constexpr std::array<std::string_view, 5> log_level_names = {"debug", "info", "warning", "error", "critical"};
const std::array<KeySpec<ServeConfig>, 29> serve_keys = {{
    {"app", "APP", &ServeConfig::app, {}, false},
    {"chdir", "--chdir", &ServeConfig::chdir, {}, false},
    {"bind", "--bind", &ServeConfig::bind, {}, false},
    {"workers", "--workers", &ServeConfig::workers, {}, false},
    {"threads", "--threads", &ServeConfig::threads, {}, false},
    {"timeout", "--timeout", &ServeConfig::timeout, {}, false},
    {"graceful-timeout", "--graceful-timeout", &ServeConfig::graceful_timeout, {}, false},
    {"keep-alive", "--keep-alive", &ServeConfig::keep_alive, {}, false},
    {"max-requests", "--max-requests", &ServeConfig::max_requests, {}, false},
    {"max-requests-jitter", "--max-requests-jitter", &ServeConfig::max_requests_jitter, {}, false},
    {"limit-request-line", "--limit-request-line", &ServeConfig::limit_request_line, {}, false},
    {"limit-request-fields", "--limit-request-fields", &ServeConfig::limit_request_fields, {}, false},
    {"limit-request-field_size", "--limit-request-field_size", &ServeConfig::limit_request_field_size, {}, false},
    {"limit-request-body", "--limit-request-body", &ServeConfig::limit_request_body, {}, false},
    {"forwarded-allow-ips", "--forwarded-allow-ips", &ServeConfig::forwarded_allow_ips, {}, false},
    {"static", "--static", &ServeConfig::statics, {}, false},
    {"no-static", "--no-static", &ServeConfig::no_static, {}, false},
    {"access-logfile", "--access-logfile", &ServeConfig::access_logfile, {}, false},
    {"access-logformat", "--access-logformat", &ServeConfig::access_logformat, {}, false},
    {"access-log-json", "--access-log-json", &ServeConfig::access_log_json, {}, false},
    {"error-logfile", "--error-logfile", &ServeConfig::error_logfile, {}, false},
    {"log-level", "--log-level", &ServeConfig::log_level, log_level_names, false},
    {"metrics-bind", "--metrics-bind", &ServeConfig::metrics_bind, {}, false},
    {"pid", "--pid", &ServeConfig::pid, {}, false},
    {"umask", "--umask", &ServeConfig::umask, {}, false},
    {"reload", "--reload", &ServeConfig::reload, {}, false},
    {"header-timeout", "--header-timeout", &ServeConfig::header_timeout, {}, false},
    {"min-body-rate", "--min-body-rate", &ServeConfig::min_body_rate, {}, false},
    {"worker-connections", "--worker-connections", &ServeConfig::worker_connections, {}, false},
}};

// ---- loading -------------------------------------------------------------------------------------

// Every problem of a file is reported, in source order, not only the first.
class Problems {
 public:
  void add(const ConfigPosition& where, std::string message) {
    entries_.emplace_back(where.line, where.column, where.to_string() + ": " + std::move(message));
  }
  bool empty() const { return entries_.empty(); }
  Error to_error() {
    std::ranges::sort(entries_);
    std::string message;
    for (const auto& [line, column, text] : entries_) message += (message.empty() ? "" : "\n") + text;
    return Error{std::move(message)};
  }

 private:
  std::vector<std::tuple<int, int, std::string>> entries_;
};

struct Context {
  std::string file;          // as shown in messages
  fs::path directory;        // anchors relative paths
  std::string table_prefix;  // "" or "tool.deployctl."
  Problems* problems;

  ConfigPosition at(const toml::source_region& region) const {
    return {file, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
  }
};

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
  }
  return "an unknown value";
}

std::vector<std::string> to_strings(std::span<const std::string_view> views) { return {views.begin(), views.end()}; }

std::string join(std::span<const std::string> words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

// A string value checked against the key's choices; nullopt (and a problem recorded) when it is not acceptable.
std::optional<ConfigString> read_string(const toml::node& node, std::string_view what,
                                        std::span<const std::string_view> choices, const Context& context) {
  const auto where = context.at(node.source());
  const auto* text = node.as_string();
  if (text == nullptr) {
    context.problems->add(where, std::string(what) + " must be a string, found " + std::string(type_name(node)));
    return std::nullopt;
  }
  const std::string& value = text->get();
  if (value.empty()) {
    context.problems->add(where, std::string(what) + " must not be empty");
    return std::nullopt;
  }
  if (!choices.empty() && std::ranges::find(choices, value) == choices.end()) {
    const auto candidates = to_strings(choices);
    context.problems->add(where, std::string(what) + " must be one of " + join(candidates) + ", not '" + value + "'." +
                                     did_you_mean(value, candidates));
    return std::nullopt;
  }
  return ConfigString{value, where};
}

template <typename Section>
void read_key(const toml::node& node, const KeySpec<Section>& key, const std::string& table, const Context& context,
              Section& section) {
  const std::string what = "'" + std::string(key.name) + "' in [" + table + "] (" + std::string(key.flag) + ")";
  const auto where = context.at(node.source());
  std::visit(
      [&]<typename Member>(Member member) {
        using Stored = typename std::remove_reference_t<decltype(section.*member)>::value_type;
        if constexpr (std::is_same_v<Stored, ConfigString>) {
          section.*member = read_string(node, what, key.choices, context);
          if (key.relative_paths && section.*member)
            (section.*member)->value = (context.directory / (section.*member)->value).lexically_normal().string();
        } else if constexpr (std::is_same_v<Stored, ConfigInteger>) {
          if (const auto* integer = node.as_integer()) {
            section.*member = ConfigInteger{integer->get(), where};
          } else {
            context.problems->add(where, what + " must be an integer, found " + std::string(type_name(node)));
          }
        } else if constexpr (std::is_same_v<Stored, ConfigBool>) {
          if (const auto* boolean = node.as_boolean()) {
            section.*member = ConfigBool{boolean->get(), where};
          } else {
            context.problems->add(where, what + " must be true or false, found " + std::string(type_name(node)));
          }
        } else if constexpr (std::is_same_v<Stored, std::vector<ConfigString>>) {
          const auto* array = node.as_array();
          if (array == nullptr) {
            context.problems->add(where, what + " must be an array of strings, found " + std::string(type_name(node)));
            return;
          }
          std::vector<ConfigString> items;
          for (std::size_t i = 0; i < array->size(); ++i) {
            const std::string item_what = "item " + std::to_string(i + 1) + " of " + what;
            auto item = read_string(*array->get(i), item_what, key.choices, context);
            if (!item) continue;
            if (key.relative_paths) item->value = (context.directory / item->value).lexically_normal().string();
            items.push_back(std::move(*item));
          }
          section.*member = std::move(items);
        } else {
          const auto* entries_table = node.as_table();
          if (entries_table == nullptr) {
            context.problems->add(where, what + " must be a table, found " + std::string(type_name(node)));
            return;
          }
          std::vector<ConfigEntry> entries;
          for (const auto& [name, value] : *entries_table) {
            const std::string entry_what =
                "'" + std::string(name.str()) + "' in [" + table + "." + std::string(key.name) + "]";
            auto entry_value = read_string(value, entry_what, key.choices, context);
            if (!entry_value) continue;
            entries.push_back(
                {ConfigString{std::string(name.str()), context.at(name.source())}, std::move(*entry_value)});
          }
          std::ranges::sort(entries, {},
                            [](const ConfigEntry& e) { return std::pair(e.key.where.line, e.key.where.column); });
          section.*member = std::move(entries);
        }
      },
      key.field);
}

template <typename Section, std::size_t N>
void read_section(const toml::table& table, std::string_view name, const std::array<KeySpec<Section>, N>& keys,
                  const Context& context, Section& section) {
  const std::string full_name = context.table_prefix + std::string(name);
  std::vector<std::string> key_names;
  for (const auto& key : keys) key_names.emplace_back(key.name);
  for (const auto& [toml_key, node] : table) {
    const auto key = std::ranges::find(keys, toml_key.str(), &KeySpec<Section>::name);
    if (key == keys.end()) {
      const auto suggestion = did_you_mean(toml_key.str(), key_names);
      context.problems->add(context.at(toml_key.source()),
                            "unknown key '" + std::string(toml_key.str()) + "' in [" + full_name + "]." +
                                (suggestion.empty() ? " Known keys: " + join(key_names) + "." : suggestion));
      continue;
    }
    read_key(node, *key, full_name, context, section);
  }
}

struct TableSpec {
  std::string_view name;
  std::vector<std::string> keys;
  std::function<void(const toml::table&, const Context&, ProjectConfig&)> read;
};

template <typename Section, std::size_t N>
TableSpec table_spec(std::string_view name, Section ProjectConfig::*section,
                     const std::array<KeySpec<Section>, N>& keys) {
  TableSpec spec{name, {}, {}};
  for (const auto& key : keys) spec.keys.emplace_back(key.name);
  spec.read = [name, section, &keys](const toml::table& table, const Context& context, ProjectConfig& config) {
    read_section(table, name, keys, context, config.*section);
  };
  return spec;
}

// One entry per top-level table, in the order `deployctl help` lists the subcommands.
const std::vector<TableSpec>& schema() {
  static const std::vector<TableSpec> tables = {
      table_spec("check", &ProjectConfig::check, check_keys),
      table_spec("deploy", &ProjectConfig::deploy, deploy_keys),
      table_spec("render", &ProjectConfig::render, render_keys),
      table_spec("serve", &ProjectConfig::serve, serve_keys),
  };
  return tables;
}

void read_tables(const toml::table& root, const Context& context, ProjectConfig& config) {
  std::vector<std::string> table_names;
  for (const auto& table : schema()) table_names.emplace_back(table.name);
  for (const auto& [toml_key, node] : root) {
    const std::string name(toml_key.str());
    const auto where = context.at(toml_key.source());
    const auto spec = std::ranges::find(schema(), toml_key.str(), &TableSpec::name);
    if (spec == schema().end()) {
      // A key written above every table header lands here: say which table it belongs to.
      const auto owner = std::ranges::find_if(
          schema(), [&](const TableSpec& t) { return std::ranges::find(t.keys, name) != t.keys.end(); });
      if (owner != schema().end()) {
        context.problems->add(
            where, "'" + name + "' must be inside the [" + context.table_prefix + std::string(owner->name) + "] table");
      } else {
        const auto suggestion = did_you_mean(name, table_names);
        context.problems->add(where,
                              "unknown table [" + context.table_prefix + name + "]." +
                                  (suggestion.empty() ? " Known tables: " + join(table_names) + "." : suggestion));
      }
      continue;
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      context.problems->add(
          where, "[" + context.table_prefix + name + "] must be a table, found " + std::string(type_name(node)));
      continue;
    }
    spec->read(*table, context, config);
  }
}

// Parses `text`; nullopt for a pyproject.toml without [tool.deployctl].
Result<std::optional<ProjectConfig>> parse_config(std::string_view text, const fs::path& config_file,
                                                  bool from_pyproject) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(config_file, ec).lexically_normal();
  const fs::path cwd = fs::current_path(ec);
  const std::string shown = ec ? config_file.generic_string() : display_path(absolute, cwd);

  toml::table root;
  try {
    root = toml::parse(text, shown);
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    return fail(shown + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) +
                ": invalid TOML: " + std::string(error.description()));
  }

  ProjectConfig config;
  config.path = absolute;
  config.from_pyproject = from_pyproject;
  Problems problems;
  Context context{shown, absolute.parent_path(), from_pyproject ? "tool.deployctl." : "", &problems};

  const toml::table* tables = &root;
  if (from_pyproject) {
    const toml::node* ours = root.at_path("tool.deployctl").node();
    if (ours == nullptr) return std::nullopt;
    tables = ours->as_table();
    if (tables == nullptr)
      return fail(context.at(ours->source()).to_string() + ": [tool.deployctl] must be a table, found " +
                  std::string(type_name(*ours)));
  }
  read_tables(*tables, context, config);
  if (!problems.empty()) return std::unexpected(problems.to_error());
  return config;
}

Result<std::optional<ProjectConfig>> load_config(const fs::path& config_file, bool from_pyproject) {
  auto text = read_text_file(config_file);
  if (!text) return std::unexpected(text.error());
  return parse_config(*text, config_file, from_pyproject);
}

}  // namespace

Result<ProjectConfig> parse_project_config(std::string_view text, const fs::path& config_file, bool from_pyproject) {
  auto config = parse_config(text, config_file, from_pyproject);
  if (!config) return std::unexpected(config.error());
  if (!*config) {
    ProjectConfig empty;
    empty.path = fs::absolute(config_file).lexically_normal();
    empty.from_pyproject = from_pyproject;
    return empty;
  }
  return std::move(**config);
}

Result<ProjectConfig> load_project_config(const fs::path& config_file, bool from_pyproject) {
  auto text = read_text_file(config_file);
  if (!text) return std::unexpected(text.error());
  return parse_project_config(*text, config_file, from_pyproject);
}

Result<std::optional<ProjectConfig>> find_project_config(const fs::path& project_dir) {
  std::error_code ec;
  const fs::path start = fs::weakly_canonical(fs::absolute(project_dir, ec), ec);
  const auto each_directory_upwards = [&](const std::function<bool(const fs::path&)>& visit) {
    for (fs::path dir = start;; dir = dir.parent_path()) {
      if (visit(dir) || dir == dir.parent_path()) return;
    }
  };

  std::optional<fs::path> found;
  each_directory_upwards([&](const fs::path& dir) {
    std::error_code exists_error;
    if (fs::is_regular_file(dir / config_file_name, exists_error)) found = dir / config_file_name;
    return found.has_value();
  });
  if (found) return load_config(*found, false);

  // A pyproject.toml counts only when it has our table; the text search spares parsing every other one.
  Result<std::optional<ProjectConfig>> result = std::nullopt;
  each_directory_upwards([&](const fs::path& dir) {
    const fs::path candidate = dir / pyproject_file_name;
    std::error_code exists_error;
    if (!fs::is_regular_file(candidate, exists_error)) return false;
    auto text = read_text_file(candidate);
    if (!text) {
      result = std::unexpected(text.error());
      return true;
    }
    if (text->find("deployctl") == std::string::npos) return false;
    result = parse_config(*text, candidate, true);
    return !result || result->has_value();
  });
  return result;
}

}  // namespace deployctl
