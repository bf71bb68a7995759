// Reads the facts render needs out of the evaluated settings. Anything computed from the environment is unknown
// here: the analysed environment is not the server's.
#include "generators/settings_facts.hpp"

#include <algorithm>
#include <set>

namespace deployctl::generators {

namespace {

using checks::settings::EnvRead;
using checks::settings::Origin;
using checks::settings::SettingsModel;
using checks::settings::Value;
using Kind = Value::Kind;

std::string where_of(const Origin& origin) {
  if (origin.file.empty()) return {};
  return origin.file + ":" + std::to_string(origin.position.line);
}

// The first env read the value (or anything inside it) comes from, or null.
const EnvRead* env_source(const Value& value) {
  if (value.env) return value.env.get();
  for (const Value& item : value.items)
    if (const auto* read = env_source(item)) return read;
  for (const auto& [key, item] : value.entries) {
    if (const auto* read = env_source(key)) return read;
    if (const auto* read = env_source(item)) return read;
  }
  return nullptr;
}

bool fully_known(const Value& value) {
  if (!value.is_known()) return false;
  return std::ranges::all_of(value.items, fully_known) && std::ranges::all_of(value.entries, [](const auto& entry) {
           return fully_known(entry.first) && fully_known(entry.second);
         });
}

// Unset, or unknown with the reason, or known: the value is handed to `convert`, which may still refuse it.
template <typename T, typename Convert>
Fact<T> fact(const SettingsModel& model, std::string_view name, Convert convert) {
  Fact<T> out;
  const Value* value = model.get(name);
  if (value == nullptr) {
    if (!model.namespace_complete) {
      out.state = Fact<T>::State::unknown;
      out.why_unknown = "a star import the analysis cannot follow may set " + std::string(name);
    }
    return out;
  }
  out.where = where_of(value->origin);
  if (const auto* read = env_source(*value)) {
    out.state = Fact<T>::State::unknown;
    out.why_unknown =
        std::string(name) + " is read from the environment variable " + read->variable + " at " + where_of(read->where);
    return out;
  }
  if (!fully_known(*value)) {
    out.state = Fact<T>::State::unknown;
    out.why_unknown = std::string(name) + " is not known statically" +
                      (value->unknown_reason.empty() ? "" : " (" + value->unknown_reason + ")") +
                      (out.where.empty() ? "" : " at " + out.where);
    return out;
  }
  std::string problem;
  if (auto converted = convert(*value, problem)) {
    out.state = Fact<T>::State::known;
    out.value = std::move(*converted);
  } else {
    out.state = Fact<T>::State::unknown;
    out.why_unknown = std::string(name) + " " + problem + (out.where.empty() ? "" : " at " + out.where);
  }
  return out;
}

std::optional<std::string> as_text(const Value& value, std::string& problem) {
  if (value.kind == Kind::string || value.kind == Kind::path) return value.text;
  problem = "is " + value.describe(false) + ", not a string or path";
  return std::nullopt;
}

// None (Django's default for STATIC_ROOT) and '' mean "not configured".
template <typename T>
void none_means_unset(Fact<T>& out, const SettingsModel& model, std::string_view name) {
  const Value* value = model.get(name);
  if (value && (value->kind == Kind::none || (value->kind == Kind::string && value->text.empty())))
    out = Fact<T>{.state = Fact<T>::State::unset, .value = {}, .where = where_of(value->origin), .why_unknown = {}};
}

Fact<std::string> text_fact(const SettingsModel& model, std::string_view name) {
  auto out = fact<std::string>(model, name, as_text);
  none_means_unset(out, model, name);
  return out;
}

std::optional<std::vector<std::string>> as_strings(const Value& value, std::string& problem) {
  if (!value.is_sequence()) {
    problem = "is " + value.describe(false) + ", not a list";
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const Value& item : value.items) {
    if (item.kind != Kind::string) {
      problem = "has an item that is not a string";
      return std::nullopt;
    }
    out.push_back(item.text);
  }
  return out;
}

Fact<bool> middleware_fact(const SettingsModel& model, std::string_view middleware) {
  return fact<bool>(model, "MIDDLEWARE", [&](const Value& value, std::string& problem) -> std::optional<bool> {
    auto names = as_strings(value, problem);
    if (!names) return std::nullopt;
    return std::ranges::find(*names, middleware) != names->end();
  });
}

// Only the handlers' filenames matter: a level read from the environment elsewhere in LOGGING does not.
Fact<std::vector<std::string>> log_files(const SettingsModel& model) {
  Fact<std::vector<std::string>> out;
  const Value* logging = model.get("LOGGING");
  if (logging == nullptr) return out;
  out.where = where_of(logging->origin);
  const Value* handlers = logging->get("handlers");
  if (logging->kind != Kind::dict || (handlers == nullptr && !fully_known(*logging))) {
    out.state = Fact<std::vector<std::string>>::State::unknown;
    out.why_unknown = "LOGGING is not known statically at " + out.where;
    return out;
  }
  out.state = Fact<std::vector<std::string>>::State::known;
  if (handlers == nullptr) return out;
  for (const auto& [name, handler] : handlers->entries) {
    const Value* filename = handler.get("filename");
    if (filename == nullptr) continue;
    if (const auto* read = env_source(*filename);
        read || !filename->is_known() || (filename->kind != Kind::string && filename->kind != Kind::path)) {
      out.state = Fact<std::vector<std::string>>::State::unknown;
      out.why_unknown = "the filename of LOGGING handler " + name.describe() + " is not known statically" +
                        (read ? " (read from " + read->variable + ")" : "") + " at " + where_of(filename->origin);
      return out;
    }
    if (std::ranges::find(out.value, filename->text) == out.value.end()) out.value.push_back(filename->text);
  }
  return out;
}

std::string engine_kind(std::string_view engine) {
  if (engine.find("postgres") != std::string_view::npos || engine.find("postgis") != std::string_view::npos)
    return "postgresql";
  if (engine.find("sqlite") != std::string_view::npos) return "sqlite";
  if (engine.find("mysql") != std::string_view::npos) return "mysql";
  return std::string(engine);
}

Fact<DatabaseFact> database(const SettingsModel& model, std::string& url_variable) {
  if (const Value* databases = model.get("DATABASES")) {
    if (const Value* default_db = databases->get("default"); default_db && default_db->env)
      url_variable = default_db->env->variable;
  }
  return fact<DatabaseFact>(model, "DATABASES",
                            [](const Value& value, std::string& problem) -> std::optional<DatabaseFact> {
                              const Value* default_db = value.get("default");
                              const Value* engine = default_db ? default_db->get("ENGINE") : nullptr;
                              if (engine == nullptr || engine->kind != Kind::string) {
                                problem = "has no 'default' database with a known ENGINE";
                                return std::nullopt;
                              }
                              DatabaseFact db{engine_kind(engine->text), {}};
                              if (const Value* name = default_db->get("NAME"))
                                if (auto text = as_text(*name, problem)) db.name = *text;
                              return db;
                            });
}

std::vector<EnvVariable> env_variables(const checks::CheckResult& check) {
  std::vector<EnvVariable> out;
  std::set<std::pair<std::string, int>> flagged;  // file and line of every warning or error
  for (const auto& finding : check.findings)
    if (finding.severity != checks::Severity::info) flagged.emplace(finding.where.file, finding.where.line);
  for (const EnvRead& read : check.model.env_reads) {
    auto existing = std::ranges::find(out, read.variable, &EnvVariable::name);
    const bool required = read.default_value == nullptr;
    const bool unsafe = !required && flagged.contains({read.where.file, read.where.position.line});
    if (existing != out.end()) {
      existing->required = existing->required && required;
      existing->unsafe_default = existing->unsafe_default || unsafe;
      continue;
    }
    out.push_back({read.variable, where_of(read.where), required, unsafe, read.cast});
  }
  return out;
}

bool has_celery(const SettingsModel& model, const std::string& package) {
  for (const auto& [name, value] : model.values)
    if (name.starts_with("CELERY_")) return true;
  std::error_code ec;
  return !package.empty() && std::filesystem::is_regular_file(model.project_dir / package / "celery.py", ec);
}

}  // namespace

SettingsFacts extract_settings_facts(const checks::CheckResult& check) {
  const SettingsModel& model = check.model;
  SettingsFacts facts;
  std::error_code ec;
  facts.project_dir = std::filesystem::weakly_canonical(std::filesystem::absolute(model.project_dir, ec), ec);
  facts.settings_module = model.settings_module;
  facts.project_package = model.settings_module.substr(0, model.settings_module.find('.'));
  facts.allowed_hosts = fact<std::vector<std::string>>(
      model, "ALLOWED_HOSTS", [](const Value& value, std::string& problem) -> std::optional<std::vector<std::string>> {
        auto hosts = as_strings(value, problem);
        if (!hosts) return std::nullopt;
        if (std::ranges::find(*hosts, "*") != hosts->end()) {
          problem = "allows every host ('*'), which names no server";
          return std::nullopt;
        }
        std::erase(*hosts, "");
        if (hosts->empty()) {
          problem = "is empty";
          return std::nullopt;
        }
        return hosts;
      });
  facts.static_url = text_fact(model, "STATIC_URL");
  facts.static_root = text_fact(model, "STATIC_ROOT");
  facts.media_url = text_fact(model, "MEDIA_URL");
  facts.media_root = text_fact(model, "MEDIA_ROOT");
  facts.proxy_ssl_header = fact<std::pair<std::string, std::string>>(
      model, "SECURE_PROXY_SSL_HEADER",
      [](const Value& value, std::string& problem) -> std::optional<std::pair<std::string, std::string>> {
        if (!value.is_sequence() || value.items.size() != 2 || !value.items[0].is_string() ||
            !value.items[1].is_string()) {
          problem = "is not a (header, value) pair of strings";
          return std::nullopt;
        }
        return std::pair(value.items[0].text, value.items[1].text);
      });
  none_means_unset(facts.proxy_ssl_header, model, "SECURE_PROXY_SSL_HEADER");
  facts.hsts_seconds = fact<std::int64_t>(model, "SECURE_HSTS_SECONDS",
                                          [](const Value& value, std::string& problem) -> std::optional<std::int64_t> {
                                            if (value.kind == Kind::integer) return value.integer;
                                            problem = "is not an integer";
                                            return std::nullopt;
                                          });
  facts.security_middleware = middleware_fact(model, "django.middleware.security.SecurityMiddleware");
  facts.xframe_middleware = middleware_fact(model, "django.middleware.clickjacking.XFrameOptionsMiddleware");
  facts.content_type_nosniff =
      fact<bool>(model, "SECURE_CONTENT_TYPE_NOSNIFF", [](const Value& value, std::string&) { return value.truthy(); });
  facts.referrer_policy = text_fact(model, "SECURE_REFERRER_POLICY");
  facts.x_frame_options = text_fact(model, "X_FRAME_OPTIONS");
  facts.log_files = log_files(model);
  facts.database = database(model, facts.database_url_variable);
  facts.wsgi_application = text_fact(model, "WSGI_APPLICATION");
  facts.asgi_application = text_fact(model, "ASGI_APPLICATION");
  facts.celery = has_celery(model, facts.project_package);
  facts.env = env_variables(check);
  return facts;
}

}  // namespace deployctl::generators
