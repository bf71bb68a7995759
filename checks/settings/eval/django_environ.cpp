// django-environ 0.4.4 (Debian's python3-django-environ), read from its source: Env(**scheme), env('X'),
// env.bool/int/float/str/list/tuple/dict/json/url/db/cache/path, Env.read_env and environ.Path. Its quirks
// are kept: a default is returned as written, not cast, and a set variable equal to the default is not cast
// either; bool() accepts 'true', 'on', 'ok', 'y', 'yes', '1' and any non-zero integer.
#include "checks/settings/eval/django_environ.hpp"

#include <array>

#include "checks/settings/eval/calls.hpp"
#include "checks/settings/eval/env_access.hpp"
#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/paths.hpp"
#include "checks/settings/eval/python_text.hpp"
#include "checks/settings/eval/url_parse.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace fs = std::filesystem;
using Kind = Value::Kind;

namespace {

constexpr std::array<std::string_view, 6> boolean_true = {"true", "on", "ok", "y", "yes", "1"};

struct Scheme {
  std::string_view scheme;
  std::string_view engine;
};

constexpr Scheme db_schemes[] = {
    {"postgres", "django.db.backends.postgresql_psycopg2"},
    {"postgresql", "django.db.backends.postgresql_psycopg2"},
    {"psql", "django.db.backends.postgresql_psycopg2"},
    {"pgsql", "django.db.backends.postgresql_psycopg2"},
    {"postgis", "django.contrib.gis.db.backends.postgis"},
    {"mysql", "django.db.backends.mysql"},
    {"mysql2", "django.db.backends.mysql"},
    {"mysql-connector", "mysql.connector.django"},
    {"mysqlgis", "django.contrib.gis.db.backends.mysql"},
    {"oracle", "django.db.backends.oracle"},
    {"pyodbc", "sql_server.pyodbc"},
    {"redshift", "django_redshift_backend"},
    {"spatialite", "django.contrib.gis.db.backends.spatialite"},
    {"sqlite", "django.db.backends.sqlite3"},
    {"ldap", "ldapdb.backends.ldap"},
};

// "rediscache" and "redis" map to REDIS_DRIVER, which depends on whether redis_cache is installed.
constexpr Scheme cache_schemes[] = {
    {"dbcache", "django.core.cache.backends.db.DatabaseCache"},
    {"dummycache", "django.core.cache.backends.dummy.DummyCache"},
    {"filecache", "django.core.cache.backends.filebased.FileBasedCache"},
    {"locmemcache", "django.core.cache.backends.locmem.LocMemCache"},
    {"memcache", "django.core.cache.backends.memcached.MemcachedCache"},
    {"pymemcache", "django.core.cache.backends.memcached.PyLibMCCache"},
    {"rediscache", ""},
    {"redis", ""},
};

constexpr std::array<std::string_view, 3> db_base_options = {"CONN_MAX_AGE", "ATOMIC_REQUESTS", "AUTOCOMMIT"};
constexpr std::array<std::string_view, 5> cache_base_options = {"TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION",
                                                                "BINARY"};

template <std::size_t N>
const Scheme* find_scheme(const Scheme (&table)[N], std::string_view scheme) {
  for (const Scheme& entry : table)
    if (entry.scheme == scheme) return &entry;
  return nullptr;
}

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& table, std::string_view name) {
  for (const std::string_view entry : table)
    if (entry == name) return true;
  return false;
}

std::string upper(std::string_view text) { return ascii_upper(text).value_or(std::string(text)); }

// _cast_int: an all-digit str becomes an int, anything else stays as it is.
Value cast_int(const std::string& text) {
  if (!text.empty() && text.size() < 19 && text.find_first_not_of("0123456789") == std::string::npos)
    return Value::from_int(std::stoll(text));
  return Value::from_string(text);
}

// Makes every part of a parsed config carry the read it came from.
Value parsed_from(Value value, const Value& url, const std::shared_ptr<const EnvRead>& read) {
  value.origin = url.origin;
  value.literal = url.literal;
  value.env = read;
  for (auto& [key, item] : value.entries) {
    key.origin = url.origin;
    if (item.kind == Kind::dict) item = parsed_from(std::move(item), url, read);
    item.origin = url.origin;
    item.literal = url.literal;
    item.env = read;
  }
  return value;
}

std::optional<std::string> cast_label(const ValuePtr& cast) {
  if (!cast || cast->kind == Kind::none) return std::nullopt;
  if (cast->kind == Kind::list) return "list";
  if (cast->kind == Kind::tuple) return "tuple";
  if (cast->kind == Kind::dict) return "dict";
  const std::string_view name = object_name(*cast);
  if (name == "json.loads") return "json";
  if (name == "urllib.parse.urlparse") return "url";
  if (!name.empty()) return std::string(name);
  return "unknown";
}

// django-environ's cast of a str read from the environment (parse_value).
ValuePtr parse_value(CallSite& site, const ValuePtr& value, const ValuePtr& cast,
                     const std::shared_ptr<const EnvRead>& read) {
  Frame& frame = site.frame;
  const Origin& origin = site.origin;
  const auto result = [&](Value out) {
    out.origin = origin;
    out.env = read;
    out.steps.clear();
    out.literal = false;
    return finish(frame, std::move(out));
  };
  if (!cast || cast->kind == Kind::none) return value;
  if (!value->is_known()) return unknown_from(*value, origin, "");
  const auto text = value->kind == Kind::string ? std::optional(value->text) : std::nullopt;
  const std::string_view class_name = object_category(*cast) == "class" ? object_name(*cast) : std::string_view{};
  if (class_name == "bool") {
    if (!text) {
      const auto truth = value->truthy();
      if (!truth || value->kind == Kind::object) return unknown_value("env bool() of a non-str value", origin);
      return result(Value::from_bool(*truth));
    }
    const ParsedInt parsed = python_int_from_text(*text);
    if (parsed.status != ParsedInt::Status::invalid)
      return result(Value::from_bool(parsed.status == ParsedInt::Status::too_large || parsed.value != 0));
    const auto lowered = ascii_lower(*text);
    if (!lowered) return unknown_value("env bool() of non-ASCII text", origin);
    return result(Value::from_bool(listed(boolean_true, *lowered)));
  }
  const auto split_items = [&](std::string_view source) {
    std::vector<Value> items;
    for (std::string& part : split_on(source, ",", -1, false))
      if (!part.empty()) items.push_back(Value::from_string(std::move(part), origin));
    return items;
  };
  const auto strip_parens = [&](const std::string& source) {
    const std::string open = "(";
    const std::string close = ")";
    return python_strip(python_strip(source, &open, StripSide::both), &close, StripSide::both);
  };
  // Applies a cast given as list/tuple element (a plain Python call, bool() included).
  const auto map_cast = [&](std::vector<Value> items, const Value& element_cast) -> std::optional<std::vector<Value>> {
    std::vector<Value> out;
    for (Value& item : items) {
      Arguments args;
      args.positional.push_back(share(std::move(item)));
      const ValuePtr mapped = call_value(frame, share(element_cast), std::move(args), origin);
      if (!mapped->is_known()) return std::nullopt;
      out.push_back(*mapped);
    }
    return out;
  };
  if ((cast->kind == Kind::list || cast->kind == Kind::tuple) && text) {
    if (cast->items.empty()) return unknown_value("env cast of an empty list/tuple", origin);
    auto items = split_items(cast->kind == Kind::tuple ? strip_parens(*text) : *text);
    auto mapped = map_cast(std::move(items), cast->items.front());
    if (!mapped) return unknown_value("env list/tuple cast the evaluator cannot apply", origin);
    Value out;
    out.kind = cast->kind;
    out.items = std::move(*mapped);
    return result(std::move(out));
  }
  if (class_name == "list" && text) return result(Value::list(split_items(*text)));
  if (class_name == "tuple" && text) return result(Value::tuple(split_items(strip_parens(*text))));
  if (class_name == "dict" && text) {
    Value out = Value::dict({});
    for (const std::string& part : split_on(*text, ",", -1, false)) {
      if (part.empty()) continue;
      const auto pair = split_on(part, "=", -1, false);
      if (pair.size() != 2)
        return raise_unknown(frame, PyException::value_error, "env dict() of an item that is not key=value", origin);
      out.entries.emplace_back(Value::from_string(pair[0], origin), Value::from_string(pair[1], origin));
    }
    return result(std::move(out));
  }
  if (cast->kind == Kind::dict && text) {
    if (!cast->entries.empty()) return unknown_value("env dict cast with key/value casts is not modelled", origin);
    Value out = Value::dict({});
    for (const std::string& part : split_on(*text, ";", -1, false)) {
      if (part.empty()) continue;
      const auto pair = split_on(part, "=", -1, false);
      if (pair.size() < 2) return raise_unknown(frame, PyException::index_error, "env dict item without '='", origin);
      out.entries.emplace_back(Value::from_string(pair[0], origin), Value::from_string(pair[1], origin));
    }
    return result(std::move(out));
  }
  if (class_name == "float" && text) {
    // re.sub(r'[^\d,\.]', '', value), then the last ',' or '.' is the decimal point: signs are dropped.
    std::string kept;
    for (const char c : *text)
      if ((c >= '0' && c <= '9') || c == ',' || c == '.') kept += c;
    std::vector<std::string> parts;
    std::string current;
    for (const char c : kept) {
      if (c == ',' || c == '.') {
        parts.push_back(current);
        current.clear();
      } else {
        current += c;
      }
    }
    parts.push_back(current);
    std::string number = parts.size() == 1 ? parts.front() : std::string();
    if (parts.size() > 1) {
      for (std::size_t i = 0; i + 1 < parts.size(); ++i) number += parts[i];
      number += "." + parts.back();
    }
    const auto parsed = python_float_from_text(number);
    if (!parsed)
      return raise_unknown(frame, PyException::value_error, "env float() of a value without a number", origin);
    return result(Value::from_float(*parsed));
  }
  Arguments args;
  args.positional.push_back(value);
  const ValuePtr cast_result = call_value(frame, cast, std::move(args), origin);
  if (!cast_result->is_known()) {
    Value out = *cast_result;
    out.env = read;
    out.steps.clear();
    return share(std::move(out));
  }
  return result(*cast_result);
}

struct Request {
  std::string reader;
  ValuePtr cast;      // null: None
  ValuePtr fallback;  // null: NOTSET
  bool parse_default = false;
  std::optional<std::string> cast_name;  // overrides the label derived from `cast`
};

// Env.get_value.
ValuePtr get_value(CallSite& site, const std::string& variable, Request request, int depth) {
  Frame& frame = site.frame;
  const Value* schema = site.receiver && !site.receiver->items.empty() ? &site.receiver->items.front() : nullptr;
  bool schema_unknown = schema && !schema->is_known();
  if (schema && schema->kind == Kind::dict) {
    if (const Value* info = schema->get(variable)) {
      const bool has_default = (info->kind == Kind::tuple || info->kind == Kind::list) && info->items.size() == 2;
      const bool no_cast = !request.cast || request.cast->kind == Kind::none;
      if (has_default) {
        if (no_cast) request.cast = share(info->items[0]);
        if (!request.fallback) request.fallback = share(info->items[1]);
      } else if (no_cast) {
        request.cast = share(*info);
      }
    }
  }
  const EnvLookup lookup = lookup_env(frame, variable);
  EnvReadSpec spec{variable, request.reader, request.fallback,
                   request.cast_name ? request.cast_name : cast_label(request.cast)};
  const auto read = record_env_read(frame, std::move(spec), lookup.state == EnvLookup::State::set, site.origin);
  if (schema_unknown) {
    Value out = Value::unknown("the Env(...) scheme is not known, and it may cast " + variable, site.origin);
    out.env = read;
    return share(std::move(out));
  }
  ValuePtr value;
  bool from_default = false;
  switch (lookup.state) {
    case EnvLookup::State::set:
      value =
          lookup.value->is_known() ? env_text(lookup.value->text, read, site.origin) : with_env(*lookup.value, read);
      break;
    case EnvLookup::State::maybe_set:
      frame.may_raise(PyException::improperly_configured);
      return maybe_set_value(lookup, read, site.origin);
    case EnvLookup::State::unset:
      if (!request.fallback) {
        return required_from_env(frame, read, PyException::improperly_configured,
                                 request.reader + "('" + variable + "')", site.origin);
      }
      value = with_env(*request.fallback, read);
      from_default = true;
      break;
  }
  // A value starting with '$' names another variable to read instead.
  if (value->kind == Kind::string && value->text.starts_with('$')) {
    if (depth >= max_env_proxy_depth) return unknown_value("env '$' indirections nest too deeply", site.origin);
    std::size_t skip = 0;
    while (skip < value->text.size() && value->text[skip] == '$') ++skip;
    return get_value(site, value->text.substr(skip), std::move(request), depth + 1);
  }
  bool parse = !from_default;
  if (!from_default && request.fallback) {
    const auto same = value->equals(*request.fallback);
    if (!same)
      return unknown_value(request.reader + "(): whether the value equals its default is unknown", site.origin);
    parse = !*same;
  }
  if (!parse && request.parse_default) {
    const auto truth = value->truthy();
    if (!truth) return unknown_from(*value, site.origin, "");
    parse = *truth;
  }
  if (!parse) return value;
  return parse_value(site, value, request.cast, read);
}

ValuePtr class_object(std::string_view name) { return share(make_object("class", name, {})); }

// The variable name argument, or the method's default variable (db_url reads DATABASE_URL).
std::optional<std::string> variable_argument(const CallSite& site, std::string_view fallback_name) {
  const ValuePtr var = site.args.get(0, "var");
  if (!var) {
    if (fallback_name.empty()) return std::nullopt;
    return std::string(fallback_name);
  }
  if (var->kind != Kind::string) return std::nullopt;
  return var->text;
}

ValuePtr no_variable(const CallSite& site) {
  return unknown_value(site.qualname + "() of a variable name the evaluator cannot know", site.origin);
}

ValuePtr read_with(CallSite& site, std::string reader, ValuePtr cast, std::size_t default_index,
                   std::optional<std::string> cast_name = std::nullopt) {
  const auto variable = variable_argument(site, "");
  if (!variable) return no_variable(site);
  Request request{std::move(reader), std::move(cast), site.args.get(default_index, "default"), false,
                  std::move(cast_name)};
  return get_value(site, *variable, std::move(request), 0);
}

ValuePtr env_call(CallSite& site) {
  const auto variable = variable_argument(site, "");
  if (!variable) return no_variable(site);
  Request request{"env", site.args.get(1, "cast"), site.args.get(2, "default"), false, std::nullopt};
  if (const ValuePtr parse_default = site.args.get(3, "parse_default"))
    request.parse_default = parse_default->is_true();
  return get_value(site, *variable, std::move(request), 0);
}

ValuePtr env_str(CallSite& site) { return read_with(site, "env.str", nullptr, 1); }
ValuePtr env_unicode(CallSite& site) { return read_with(site, "env.unicode", class_object("str"), 1); }
ValuePtr env_bool(CallSite& site) { return read_with(site, "env.bool", class_object("bool"), 1); }
ValuePtr env_int(CallSite& site) { return read_with(site, "env.int", class_object("int"), 1); }
ValuePtr env_float(CallSite& site) { return read_with(site, "env.float", class_object("float"), 1); }
ValuePtr env_json(CallSite& site) {
  return read_with(site, "env.json", share(make_object("function", "json.loads", {})), 1, "json");
}

ValuePtr env_sequence(CallSite& site, bool tuple) {
  const ValuePtr element = site.args.get(1, "cast");
  ValuePtr cast;
  if (!element || element->kind == Kind::none)
    cast = class_object(tuple ? "tuple" : "list");
  else
    cast = share(tuple ? Value::tuple({*element}) : Value::list({*element}));
  return read_with(site, tuple ? "env.tuple" : "env.list", cast, 2, tuple ? "tuple" : "list");
}
ValuePtr env_list(CallSite& site) { return env_sequence(site, false); }
ValuePtr env_tuple(CallSite& site) { return env_sequence(site, true); }

ValuePtr env_dict(CallSite& site) {
  ValuePtr cast = site.args.get(1, "cast");
  if (!cast) cast = class_object("dict");
  return read_with(site, "env.dict", cast, 2, "dict");
}

ValuePtr env_url(CallSite& site) {
  const auto variable = variable_argument(site, "");
  if (!variable) return no_variable(site);
  Request request{"env.url", share(make_object("function", "urllib.parse.urlparse", {})), site.args.get(1, "default"),
                  true, "url"};
  return get_value(site, *variable, std::move(request), 0);
}

ValuePtr env_db_url(CallSite& site) {
  const auto variable = variable_argument(site, "DATABASE_URL");
  if (!variable) return no_variable(site);
  Request request{"env.db_url", nullptr, site.args.get(1, "default"), false, "db_url"};
  const ValuePtr url = get_value(site, *variable, std::move(request), 0);
  if (!url->is_known()) return url;
  return environ_db_url_config(site.frame, *url, site.args.get(2, "engine"), url->env, site.origin);
}

ValuePtr env_cache_url(CallSite& site) {
  const auto variable = variable_argument(site, "CACHE_URL");
  if (!variable) return no_variable(site);
  Request request{"env.cache_url", nullptr, site.args.get(1, "default"), false, "cache_url"};
  const ValuePtr url = get_value(site, *variable, std::move(request), 0);
  if (!url->is_known()) return url;
  if (url->kind != Kind::string) return unknown_value("env.cache_url() of a value that is not a URL", site.origin);
  const auto parsed = url_parse(url->text, true);
  if (!parsed)
    return raise_unknown(site.frame, PyException::value_error, "an invalid cache URL (ValueError)", site.origin);
  const Scheme* scheme = find_scheme(cache_schemes, parsed->scheme);
  if (!scheme)
    return raise_unknown(site.frame, PyException::key_error,
                         "env.cache_url() raises KeyError: unknown cache scheme '" + parsed->scheme + "'", site.origin);
  Value config = Value::dict({});
  const auto set = [&](std::string key, Value item) {
    for (auto& entry : config.entries)
      if (entry.first.text == key) {
        entry.second = std::move(item);
        return;
      }
    config.entries.emplace_back(Value::from_string(std::move(key)), std::move(item));
  };
  if (scheme->engine.empty())
    set("BACKEND", Value::unknown("django-environ's redis backend depends on whether redis_cache is installed"));
  else
    set("BACKEND", Value::from_string(std::string(scheme->engine)));
  const auto locations = split_on(parsed->netloc, ",", -1, false);
  if (locations.size() == 1)
    set("LOCATION", Value::from_string(locations.front()));
  else {
    Value list = Value::list({});
    for (const std::string& location : locations) list.items.push_back(Value::from_string(location));
    set("LOCATION", std::move(list));
  }
  if (parsed->scheme == "filecache") set("LOCATION", Value::from_string(parsed->netloc + parsed->path));
  if (!parsed->path.empty() && (parsed->scheme == "memcache" || parsed->scheme == "pymemcache")) {
    set("LOCATION", Value::from_string("unix:" + parsed->path));
  } else if (parsed->scheme.starts_with("redis")) {
    std::string prefix = parsed->hostname() ? parsed->scheme : std::string("unix");
    if (const std::size_t at = prefix.find("cache"); at != std::string::npos && parsed->hostname()) prefix.erase(at, 5);
    Value list = Value::list({});
    for (const std::string& location : locations)
      list.items.push_back(Value::from_string(prefix + "://" + location + parsed->path));
    if (list.items.size() == 1)
      set("LOCATION", list.items.front());
    else
      set("LOCATION", std::move(list));
  }
  if (!parsed->query.empty()) {
    Value options = Value::dict({});
    for (const auto& [key, values] : parse_query(parsed->query)) {
      const std::string name = upper(key);
      if (listed(cache_base_options, name))
        set(name, cast_int(values.front()));
      else
        options.entries.emplace_back(Value::from_string(name), cast_int(values.front()));
    }
    set("OPTIONS", std::move(options));
  }
  if (const ValuePtr backend = site.args.get(2, "backend"); backend && backend->truthy().value_or(false))
    set("BACKEND", *backend);
  return finish(site.frame, parsed_from(std::move(config), *url, url->env));
}

ValuePtr env_unmodelled_read(CallSite& site, std::string reader, std::string_view default_variable) {
  const auto variable = variable_argument(site, default_variable);
  if (!variable) return no_variable(site);
  const EnvLookup lookup = lookup_env(site.frame, *variable);
  EnvReadSpec spec{*variable, std::move(reader), site.args.get(1, "default"), std::nullopt};
  const auto read = record_env_read(site.frame, std::move(spec), lookup.state == EnvLookup::State::set, site.origin);
  Value out = Value::unknown(site.qualname + "() is not modelled by deployctl", site.origin);
  out.env = read;
  return share(std::move(out));
}

ValuePtr env_email_url(CallSite& site) { return env_unmodelled_read(site, "env.email_url", "EMAIL_URL"); }
ValuePtr env_search_url(CallSite& site) { return env_unmodelled_read(site, "env.search_url", "SEARCH_URL"); }

ValuePtr make_environ_path(CallSite& site, std::string root) {
  if (!root.starts_with('/'))
    return unknown_value("environ.Path of a relative path depends on the working directory", site.origin);
  Value path = make_object("instance", "environ.Path", site.origin);
  path.entries.emplace_back(Value::from_string("root", site.origin),
                            Value::from_string(normalize_path(root), site.origin));
  return share(std::move(path));
}

// _absolute_join(base, *paths)
std::optional<std::string> absolute_join(const CallSite& site, std::string base, std::size_t first_path) {
  for (std::size_t i = first_path; i < site.args.positional.size(); ++i) {
    const auto part = path_text(*site.args.positional[i]);
    if (!part) return std::nullopt;
    base = join_path(base, *part);
  }
  return base;
}

ValuePtr environ_path_new(CallSite& site) {
  const ValuePtr start = site.args.get(0, "start");
  std::string base;
  if (start) {
    const auto text = path_text(*start);
    if (!text) return unknown_value("environ.Path of an unknown start", site.origin);
    base = *text;
  }
  if (const ValuePtr is_file = site.args.keyword("is_file"); is_file && is_file->truthy().value_or(false))
    base = os_dirname(base);
  const auto joined = absolute_join(site, base, 1);
  if (!joined || site.args.unexpanded) return unknown_value("environ.Path of unknown parts", site.origin);
  return make_environ_path(site, *joined);
}

std::string root_of(const CallSite& site) {
  const Value* root = site.receiver ? attribute_entry(*site.receiver, "root") : nullptr;
  return root ? root->text : std::string();
}

ValuePtr environ_path_call(CallSite& site) {
  const auto joined = absolute_join(site, root_of(site), 0);
  if (!joined || !joined->starts_with('/')) return unknown_value("environ.Path() of unknown parts", site.origin);
  return share(Value::from_string(normalize_path(*joined), site.origin));
}

ValuePtr environ_path_path(CallSite& site) {
  const auto joined = absolute_join(site, root_of(site), 0);
  if (!joined) return unknown_value("environ.Path.path() of unknown parts", site.origin);
  return make_environ_path(site, *joined);
}

ValuePtr env_path(CallSite& site) {
  const auto variable = variable_argument(site, "");
  if (!variable) return no_variable(site);
  Request request{"env.path", nullptr, site.args.get(1, "default"), false, "path"};
  const ValuePtr value = get_value(site, *variable, std::move(request), 0);
  if (!value->is_known()) return value;
  const auto text = path_text(*value);
  if (!text) return unknown_value("env.path() of a value that is not a path", site.origin);
  ValuePtr path = make_environ_path(site, *text);
  if (path->env) return path;
  Value copy = *path;
  copy.env = value->env;
  return share(std::move(copy));
}

ValuePtr read_env(CallSite& site) {
  Frame& frame = site.frame;
  // The first positional argument is env_file, whether called on the class or on an instance.
  const ValuePtr file = site.args.get(0, "env_file");
  std::error_code ec;
  if (!file || file->kind == Kind::none) {
    // Without a path: the .env beside the calling file, or nothing at all when there is none.
    if (frame.run.project_dir.empty()) {
      note_dotenv_loader(frame, "Env.read_env() (reading a .env file beside " + frame.file + ")");
    } else {
      const fs::path candidate = frame.file_path.parent_path() / ".env";
      if (fs::exists(candidate, ec))
        note_dotenv_loader(frame, "Env.read_env() (reading " + frame.run.display_path(candidate) + ")");
    }
  } else if (const auto text = path_text(*file); text && text->starts_with('/') && !frame.run.project_dir.empty()) {
    if (fs::exists(*text, ec))
      note_dotenv_loader(frame, "Env.read_env() (reading " + frame.run.display_path(*text) + ")");
  } else {
    note_dotenv_loader(frame, "Env.read_env() (reading a file the evaluator cannot locate)");
  }
  for (const auto& [name, value] : site.args.keywords) {
    if (name == "env_file") continue;
    if (lookup_env(frame, name).state == EnvLookup::State::unset) write_env(frame, name, value);
  }
  return share(Value::none(site.origin));
}

ValuePtr new_env(CallSite& site) {
  Value env = make_object("instance", "environ.Env", site.origin);
  Value schema = Value::dict({}, site.origin);
  for (const auto& [name, value] : site.args.keywords)
    schema.entries.emplace_back(Value::from_string(name, site.origin), *value);
  if (site.args.unexpanded || !site.args.positional.empty())
    schema = Value::unknown("an Env(...) scheme the evaluator cannot expand", site.origin);
  env.items.push_back(std::move(schema));
  return share(std::move(env));
}

ValuePtr urlparse(CallSite& site) {
  const ValuePtr url = site.args.get(0, "url");
  if (!url || url->kind != Kind::string)
    return unknown_value("urlparse() of a value the evaluator cannot know", site.origin);
  const auto parsed = url_parse(url->text, true);
  if (!parsed) return raise_unknown(site.frame, PyException::value_error, "an invalid URL (ValueError)", site.origin);
  Value result = make_object("instance", "urllib.parse.ParseResult", site.origin);
  const auto field = [&](std::string_view name, Value value) {
    value.origin = site.origin;
    carry_env(value, *url, "urlparse()");
    result.entries.emplace_back(Value::from_string(std::string(name), site.origin), std::move(value));
  };
  const auto optional_text = [](const std::optional<std::string>& text) {
    return text ? Value::from_string(*text) : Value::none();
  };
  field("scheme", Value::from_string(parsed->scheme));
  field("netloc", Value::from_string(parsed->netloc));
  field("path", Value::from_string(parsed->path));
  field("params", Value::from_string(parsed->params));
  field("query", Value::from_string(parsed->query));
  field("fragment", Value::from_string(parsed->fragment));
  field("hostname", optional_text(parsed->hostname()));
  field("username", optional_text(parsed->username()));
  field("password", optional_text(parsed->password()));
  bool valid = true;
  const auto port = parsed->port(valid);
  field("port", !valid ? Value::unknown("reading .port raises ValueError")
                : port ? Value::from_int(*port)
                       : Value::none());
  carry_env(result, *url, "urlparse()");
  return share(std::move(result));
}

}  // namespace

ValuePtr environ_db_url_config(Frame& frame, const Value& url, const ValuePtr& engine,
                               const std::shared_ptr<const EnvRead>& read, const Origin& origin) {
  if (url.kind != Kind::string) return unknown_value("env.db_url() of a value that is not a URL", origin);
  Value config = Value::dict({});
  const auto set = [&](std::string key, Value item) {
    for (auto& entry : config.entries)
      if (entry.first.text == key) {
        entry.second = std::move(item);
        return;
      }
    config.entries.emplace_back(Value::from_string(std::move(key)), std::move(item));
  };
  if (url.text == "sqlite://:memory:") {
    set("ENGINE", Value::from_string("django.db.backends.sqlite3"));
    set("NAME", Value::from_string(":memory:"));
    return finish(frame, parsed_from(std::move(config), url, read));
  }
  const auto parsed = url_parse(url.text, true);
  if (!parsed) return raise_unknown(frame, PyException::value_error, "an invalid database URL (ValueError)", origin);
  std::string path = parsed->path.empty() ? std::string() : parsed->path.substr(1);
  path = url_unquote(path.substr(0, path.find('?')), true);
  if (parsed->scheme == "sqlite" && path.empty()) path = ":memory:";
  bool port_valid = true;
  const auto port = parsed->port(port_valid);
  if (!port_valid) return raise_unknown(frame, PyException::value_error, "a database URL with an invalid port", origin);
  if (parsed->scheme == "ldap") {
    path = "ldap://" + parsed->hostname().value_or("None");
    if (port && *port) path += ":" + std::to_string(*port);
  }
  set("NAME", Value::from_string(path));
  set("USER", Value::from_string(parsed->username() ? url_unquote(*parsed->username(), true) : std::string()));
  set("PASSWORD", Value::from_string(parsed->password() ? url_unquote(*parsed->password(), true) : std::string()));
  set("HOST", Value::from_string(parsed->hostname().value_or("")));
  set("PORT", port && *port ? Value::from_int(*port) : Value::from_string(""));
  if (parsed->scheme == "oracle") {
    if (path.empty()) {
      set("NAME", Value::from_string(parsed->hostname().value_or("")));
      set("HOST", Value::from_string(""));
    }
    if (!port || !*port) {
      std::erase_if(config.entries, [](const auto& entry) { return entry.first.text == "PORT"; });
    } else {
      set("PORT", Value::from_string(std::to_string(*port)));
    }
  }
  if (!parsed->query.empty()) {
    Value options = Value::dict({});
    for (const auto& [key, values] : parse_query(parsed->query)) {
      if (listed(db_base_options, upper(key)))
        set(upper(key), cast_int(values.front()));
      else
        options.entries.emplace_back(Value::from_string(key), cast_int(values.front()));
    }
    set("OPTIONS", std::move(options));
  }
  if (engine && engine->truthy().value_or(false)) set("ENGINE", *engine);
  if (const Scheme* scheme = find_scheme(db_schemes, parsed->scheme))
    set("ENGINE", Value::from_string(std::string(scheme->engine)));
  const Value* configured = config.get("ENGINE");
  if (!configured) return finish(frame, parsed_from(Value::dict({}), url, read));  // "Engine not recognized": {}
  return finish(frame, parsed_from(std::move(config), url, read));
}

std::optional<ValuePtr> environ_path_binary(Frame& frame, const ValuePtr& left, python::BinaryOperator op,
                                            const ValuePtr& right, const Origin& origin) {
  if (!is_object(*left, "instance", "environ.Path")) return std::nullopt;
  const Value* root = attribute_entry(*left, "root");
  if (!root) return std::nullopt;
  Arguments args;
  CallSite site{frame, origin, "environ.Path", nullptr, std::move(args)};
  if (op == python::BinaryOperator::add) {
    const auto part = path_text(*right);
    if (!part) return unknown_value("environ.Path + an unknown value", origin);
    return make_environ_path(site, join_path(root->text, *part));
  }
  if (op == python::BinaryOperator::sub) {
    if (right->kind == Kind::integer) {
      std::string up;
      for (std::int64_t i = 0; i < right->integer && i < 256; ++i) up += "../";
      return make_environ_path(site, join_path(root->text, up));
    }
    if (right->kind == Kind::string && root->text.ends_with(right->text))
      return make_environ_path(site, python_strip(root->text, &right->text, StripSide::right));
    return raise_unknown(frame, PyException::type_error, "environ.Path - a value it does not end with", origin);
  }
  return std::nullopt;
}

std::optional<ValuePtr> environ_path_invert(Frame& frame, const ValuePtr& operand, const Origin& origin) {
  if (!is_object(*operand, "instance", "environ.Path")) return std::nullopt;
  const Value* root = attribute_entry(*operand, "root");
  if (!root) return std::nullopt;
  CallSite site{frame, origin, "environ.Path", nullptr, {}};
  return make_environ_path(site, join_path(root->text, ".."));
}

void add_django_environ_handlers(HandlerTable& table) {
  for (const std::string prefix : {"environ.", "environ.environ."}) {
    table.emplace(prefix + "Env", &new_env);
    table.emplace(prefix + "Path", &environ_path_new);
    table.emplace(prefix + "Env.read_env", &read_env);
  }
  table.emplace("environ.Env.__call__", &env_call);
  table.emplace("environ.Env.get_value", &env_call);
  table.emplace("environ.Env.str", &env_str);
  table.emplace("environ.Env.unicode", &env_unicode);
  table.emplace("environ.Env.bool", &env_bool);
  table.emplace("environ.Env.int", &env_int);
  table.emplace("environ.Env.float", &env_float);
  table.emplace("environ.Env.json", &env_json);
  table.emplace("environ.Env.list", &env_list);
  table.emplace("environ.Env.tuple", &env_tuple);
  table.emplace("environ.Env.dict", &env_dict);
  table.emplace("environ.Env.url", &env_url);
  table.emplace("environ.Env.db_url", &env_db_url);
  table.emplace("environ.Env.db", &env_db_url);
  table.emplace("environ.Env.cache_url", &env_cache_url);
  table.emplace("environ.Env.cache", &env_cache_url);
  table.emplace("environ.Env.email_url", &env_email_url);
  table.emplace("environ.Env.email", &env_email_url);
  table.emplace("environ.Env.search_url", &env_search_url);
  table.emplace("environ.Path.__call__", &environ_path_call);
  table.emplace("environ.Path.path", &environ_path_path);
  table.emplace("environ.Env.path", &env_path);
  table.emplace("urllib.parse.urlparse", &urlparse);
}

}  // namespace deployctl::checks::settings::eval
