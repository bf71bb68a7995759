// Python semantics of the few operations Django's deploy checks apply to settings, kept three-valued.
#include "checks/rules/django_helpers.hpp"

#include <set>

namespace deployctl::checks::rules::django {

using Kind = Value::Kind;

Answer is_true(const Value& value) {
  if (!value.is_known()) return std::nullopt;
  return value.is_true();
}

Answer truthy(const Value& value) { return value.truthy(); }

Answer is_none(const Value& value) {
  if (!value.is_known()) return std::nullopt;
  return value.kind == Kind::none;
}

namespace {

// `item == element` for a string item; nullopt when that cannot be known.
Answer string_equals(const Value& element, std::string_view item) {
  // An object of unknown type might be a str subclass or define __eq__.
  if (!element.is_known() || element.kind == Kind::object) return std::nullopt;
  return element.kind == Kind::string && element.text == item;
}

}  // namespace

Answer contains_string(const Value& container, std::string_view item) {
  if (!container.is_known()) return std::nullopt;
  if (container.kind == Kind::string) return container.text.find(item) != std::string::npos;
  bool unknown_element = false;
  const auto consider = [&](const Value& element) {
    const Answer equal = string_equals(element, item);
    if (!equal) unknown_element = true;
    return definitely(equal);
  };
  if (container.is_sequence()) {
    for (const Value& element : container.items)
      if (consider(element)) return true;
  } else if (container.kind == Kind::dict) {
    for (const auto& [key, unused] : container.entries)
      if (consider(key)) return true;
  } else {
    return std::nullopt;  // None, numbers, paths, objects: TypeError or unknowable
  }
  if (unknown_element) return std::nullopt;
  return false;
}

namespace {

// `dotted in settings.<list_setting>`, recorded on `sink` when it cannot be known.
Answer listed(const SettingsModel& model, std::string_view list_setting, std::string_view dotted, FindingSink* sink) {
  const Value list = settings::setting_or_default(model, list_setting);
  const auto question = [dotted](const Value& names) { return contains_string(names, dotted); };
  return sink ? decide(*sink, list_setting, list, question) : decide(list, question);
}

}  // namespace

Answer middleware_installed(const SettingsModel& model, std::string_view dotted, FindingSink* sink) {
  return listed(model, "MIDDLEWARE", dotted, sink);
}

Answer app_installed(const SettingsModel& model, std::string_view dotted, FindingSink* sink) {
  return listed(model, "INSTALLED_APPS", dotted, sink);
}

namespace {

// " (from environment variable X, which is not set: ...)" for a value read from the environment, else "".
std::string source_note(const Value& value) {
  if (!value.env) return "";
  const settings::EnvRead& read = *value.env;
  std::string note = " (from environment variable " + read.variable;
  if (!read.is_set) {
    note += read.default_value ? ", which is not set: the default written in the settings applies"
                               : ", which is not set";
  }
  return note + ")";
}

}  // namespace

std::string describe_with_source(const Value& value, bool secret) {
  return value.describe(!secret) + source_note(value);
}

std::string setting_is_not(const SettingsModel& model, std::string_view name, std::string_view expected) {
  const std::string setting(name);
  if (const Value* assigned = model.get(name))
    return setting + " is " + assigned->describe() + ", not " + std::string(expected) + source_note(*assigned);
  if (const Value* fallback = settings::django_default(name))
    return setting + " is not set, and Django's default " + fallback->describe() + " is not " + std::string(expected);
  return setting + " is not set";
}

std::string setting_state(const SettingsModel& model, std::string_view name, bool secret) {
  const std::string setting(name);
  if (const Value* assigned = model.get(name)) return setting + " is " + describe_with_source(*assigned, secret);
  if (const Value* fallback = settings::django_default(name))
    return setting + " is not set (Django's default: " + fallback->describe(!secret) + ")";
  return setting + " is not set";
}

std::size_t python_length(std::string_view utf8) {
  std::size_t count = 0;
  for (const char byte : utf8)
    if ((static_cast<unsigned char>(byte) & 0xC0U) != 0x80U) ++count;
  return count;
}

namespace {

constexpr std::size_t secret_key_min_length = 50;
constexpr std::size_t secret_key_min_unique = 5;
constexpr std::string_view secret_key_insecure_prefix = "django-insecure-";

// The distinct code points (str) or bytes (bytes) of a key, as set(key) would hold them.
std::size_t distinct_units(const Value& key) {
  std::set<std::string> units;
  const std::string& text = key.text;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t width = 1;
    if (key.kind == Kind::string)
      while (i + width < text.size() && (static_cast<unsigned char>(text[i + width]) & 0xC0U) == 0x80U) ++width;
    units.insert(text.substr(i, width));
    i += width;
  }
  return units.size();
}

}  // namespace

std::optional<SecretKeyVerdict> judge_secret_key(const Value& key) {
  if (key.kind != Kind::string && key.kind != Kind::bytes) return std::nullopt;
  const std::size_t length = key.kind == Kind::string ? python_length(key.text) : key.text.size();
  const std::size_t unique = distinct_units(key);
  if (unique < secret_key_min_unique) {
    return SecretKeyVerdict{true, "has only " + std::to_string(unique) +
                                      " distinct characters (Django wants at least " +
                                      std::to_string(secret_key_min_unique) + ")"};
  }
  if (length < secret_key_min_length) {
    return SecretKeyVerdict{true, "is only " + std::to_string(length) + " characters long (Django wants at least " +
                                      std::to_string(secret_key_min_length) + ")"};
  }
  // bytes.startswith(str) raises TypeError: Django's check itself would crash on a long bytes key.
  if (key.kind == Kind::bytes) return std::nullopt;
  if (key.text.starts_with(secret_key_insecure_prefix))
    return SecretKeyVerdict{true, "starts with 'django-insecure-': it is the throwaway key startproject generated"};
  return SecretKeyVerdict{};
}

std::optional<SessionScope> session_cookie_scope(const SettingsModel& model, std::string_view flag_setting,
                                                 FindingSink* sink) {
  const Value flag = settings::setting_or_default(model, flag_setting);
  const Answer flag_is_true = sink ? decide(*sink, flag_setting, flag, is_true) : decide(flag, is_true);
  if (!flag_is_true) return std::nullopt;
  if (*flag_is_true) return SessionScope::none;
  const Answer app = app_installed(model, sessions_app, sink);
  const Answer middleware = middleware_installed(model, session_middleware, sink);
  if (!app || !middleware) return std::nullopt;
  if (*app && *middleware) return SessionScope::both;
  if (*app) return SessionScope::app_only;
  if (*middleware) return SessionScope::middleware_only;
  return SessionScope::none;
}

bool hsts_definitely_enabled(const SettingsModel& model, FindingSink* sink) {
  if (!definitely(middleware_installed(model, security_middleware, sink))) return false;
  const Value seconds = settings::setting_or_default(model, "SECURE_HSTS_SECONDS");
  return definitely(sink ? decide(*sink, "SECURE_HSTS_SECONDS", seconds, truthy) : decide(seconds, truthy));
}

}  // namespace deployctl::checks::rules::django
