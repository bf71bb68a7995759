// dj-database-url 0.5.0 (Debian's python3-dj-database-url), read from its source: config() reads
// DATABASE_URL (or `env`) through os.environ.get with the given default, and parse() turns a URL into a
// DATABASES entry: NAME, USER, PASSWORD, HOST, PORT, CONN_MAX_AGE, OPTIONS (when any), ENGINE.
#include "checks/settings/eval/calls.hpp"
#include "checks/settings/eval/env_access.hpp"
#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/url_parse.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

using Kind = Value::Kind;

namespace {

struct Scheme {
  std::string_view scheme;
  std::string_view engine;
};

constexpr Scheme schemes[] = {
    {"postgres", "django.db.backends.postgresql_psycopg2"},
    {"postgresql", "django.db.backends.postgresql_psycopg2"},
    {"pgsql", "django.db.backends.postgresql_psycopg2"},
    {"postgis", "django.contrib.gis.db.backends.postgis"},
    {"mysql", "django.db.backends.mysql"},
    {"mysql2", "django.db.backends.mysql"},
    {"mysqlgis", "django.contrib.gis.db.backends.mysql"},
    {"mysql-connector", "mysql.connector.django"},
    {"mssql", "sql_server.pyodbc"},
    {"spatialite", "django.contrib.gis.db.backends.spatialite"},
    {"sqlite", "django.db.backends.sqlite3"},
    {"oracle", "django.db.backends.oracle"},
    {"oraclegis", "django.contrib.gis.db.backends.oracle"},
    {"redshift", "django_redshift_backend"},
};

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

struct ParseOptions {
  ValuePtr engine;        // null or None: from the scheme
  ValuePtr conn_max_age;  // null: 0
  bool ssl_require = false;
};

// parse(url, engine, conn_max_age, ssl_require); entries carry the url's provenance.
ValuePtr parse(CallSite& site, const Value& url, const ParseOptions& options) {
  const Origin& origin = site.origin;
  if (url.kind != Kind::string) return unknown_value("dj_database_url.parse() of a value that is not a str", origin);
  Value config = Value::dict({});
  const auto set = [&](std::string key, Value item) {
    item.origin = url.origin;
    item.literal = url.literal;
    item.env = url.env;
    config.entries.emplace_back(Value::from_string(std::move(key), url.origin), std::move(item));
  };
  const auto done = [&]() {
    config.origin = origin;
    config.env = url.env;
    return finish(site.frame, std::move(config));
  };
  if (url.text == "sqlite://:memory:") {
    set("ENGINE", Value::from_string("django.db.backends.sqlite3"));
    set("NAME", Value::from_string(":memory:"));
    return done();
  }
  const auto parsed = url_parse(url.text, false);
  if (!parsed)
    return raise_unknown(site.frame, PyException::value_error, "an invalid database URL (ValueError)", origin);
  std::string path = parsed->path.empty() ? std::string() : parsed->path.substr(1);
  std::string query = parsed->query;
  if (path.find('?') != std::string::npos && query.empty()) {
    query = path.substr(path.find('?') + 1);
    path = path.substr(0, path.find('?'));
    if (const std::size_t again = query.find('?'); again != std::string::npos) query.resize(again);
  }
  if (parsed->scheme == "sqlite" && path.empty()) path = ":memory:";
  std::string hostname = parsed->hostname().value_or("");
  if (lowercase(hostname).find("%2f") != std::string::npos) {
    hostname = parsed->netloc;
    if (const std::size_t at = hostname.rfind('@'); at != std::string::npos) hostname = hostname.substr(at + 1);
    if (const std::size_t colon = hostname.find(':'); colon != std::string::npos) hostname.resize(colon);
    replace_all(hostname, "%2f", "/");
    replace_all(hostname, "%2F", "/");
  }
  std::string engine;
  if (options.engine && options.engine->kind != Kind::none) {
    if (options.engine->kind != Kind::string) return unknown_value("an engine the evaluator cannot know", origin);
    engine = options.engine->text;
  } else {
    const Scheme* found = nullptr;
    for (const Scheme& scheme : schemes)
      if (scheme.scheme == parsed->scheme) found = &scheme;
    if (!found)
      return raise_unknown(site.frame, PyException::key_error,
                           "dj_database_url raises KeyError: unknown database scheme '" + parsed->scheme + "'", origin);
    engine = found->engine;
  }
  bool port_valid = true;
  const auto port = parsed->port(port_valid);
  if (!port_valid)
    return raise_unknown(site.frame, PyException::value_error, "a database URL with an invalid port", origin);
  set("NAME", Value::from_string(url_unquote(path, false)));
  set("USER", Value::from_string(url_unquote(parsed->username().value_or(""), false)));
  set("PASSWORD", Value::from_string(url_unquote(parsed->password().value_or(""), false)));
  set("HOST", Value::from_string(hostname));
  if (port && *port) {
    set("PORT",
        engine == "django.db.backends.oracle" ? Value::from_string(std::to_string(*port)) : Value::from_int(*port));
  } else {
    set("PORT", Value::from_string(""));
  }
  set("CONN_MAX_AGE", options.conn_max_age ? *options.conn_max_age : Value::from_int(0));
  Value settings_options = Value::dict({}, url.origin);
  for (const auto& [key, values] : parse_query(query)) {
    if (parsed->scheme == "mysql" && key == "ssl-ca") {
      settings_options.entries.emplace_back(
          Value::from_string("ssl"), Value::dict({{Value::from_string("ca"), Value::from_string(values.back())}}));
      continue;
    }
    settings_options.entries.emplace_back(Value::from_string(key), Value::from_string(values.back()));
  }
  if (options.ssl_require)
    settings_options.entries.emplace_back(Value::from_string("sslmode"), Value::from_string("require"));
  for (auto it = settings_options.entries.begin(); it != settings_options.entries.end(); ++it) {
    if (it->first.text != "currentSchema") continue;
    if (engine == "django.contrib.gis.db.backends.postgis" || engine == "django.db.backends.postgresql_psycopg2" ||
        engine == "django_redshift_backend") {
      Value schema = it->second;
      settings_options.entries.erase(it);
      settings_options.entries.emplace_back(Value::from_string("options"),
                                            Value::from_string("-c search_path=" + schema.text));
    }
    break;
  }
  if (!settings_options.entries.empty()) {
    for (auto& [key, item] : settings_options.entries) {
      item.env = url.env;
      item.literal = url.literal;
      item.origin = url.origin;
    }
    set("OPTIONS", std::move(settings_options));
  }
  if (!engine.empty()) set("ENGINE", Value::from_string(engine));
  return done();
}

ParseOptions options_from(CallSite& site, std::size_t first) {
  ParseOptions options;
  options.engine = site.args.get(first, "engine");
  options.conn_max_age = site.args.get(first + 1, "conn_max_age");
  if (const ValuePtr ssl = site.args.get(first + 2, "ssl_require")) options.ssl_require = ssl->truthy().value_or(false);
  return options;
}

ValuePtr dj_parse(CallSite& site) {
  const ValuePtr url = site.args.get(0, "url");
  if (!url || !url->is_known())
    return url ? unknown_from(*url, site.origin, "dj_database_url.parse()")
               : unknown_value("parse() without a URL", site.origin);
  return parse(site, *url, options_from(site, 1));
}

ValuePtr dj_config(CallSite& site) {
  const ValuePtr name = site.args.get(0, "env");
  const std::string variable = name ? (name->kind == Kind::string ? name->text : std::string()) : "DATABASE_URL";
  if (variable.empty()) return unknown_value("dj_database_url.config() of an unknown variable", site.origin);
  const ValuePtr fallback = site.args.get(1, "default");
  const EnvLookup lookup = lookup_env(site.frame, variable);
  EnvReadSpec spec{variable, "dj_database_url.config", fallback, "db_url"};
  const auto read = record_env_read(site.frame, std::move(spec), lookup.state == EnvLookup::State::set, site.origin);
  ValuePtr url;
  switch (lookup.state) {
    case EnvLookup::State::set:
      url = lookup.value->is_known() ? env_text(lookup.value->text, read, site.origin) : with_env(*lookup.value, read);
      break;
    case EnvLookup::State::maybe_set: return maybe_set_value(lookup, read, site.origin);
    case EnvLookup::State::unset: url = with_env(fallback ? *fallback : Value::none(site.origin), read); break;
  }
  const auto truth = url->truthy();
  if (!truth) return unknown_from(*url, site.origin, "");
  if (!*truth) {
    Value empty = Value::dict({}, site.origin);
    empty.env = read;
    return share(std::move(empty));
  }
  return parse(site, *url, options_from(site, 2));
}

}  // namespace

void add_dj_database_url_handlers(HandlerTable& table) {
  table.emplace("dj_database_url.config", &dj_config);
  table.emplace("dj_database_url.parse", &dj_parse);
}

}  // namespace deployctl::checks::settings::eval
