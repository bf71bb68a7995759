// The table of Django's global_settings defaults, as of current Django (5.x/6.0). Where an older Django had a
// different default, the comment says so: rules follow current Django.
#include "checks/settings/django_defaults.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace deployctl::checks::settings {
namespace {

Value str(std::string text) { return Value::from_string(std::move(text)); }
Value empty_list() { return Value::list({}); }
Value empty_dict() { return Value::dict({}); }

std::map<std::string, Value, std::less<>> build_defaults() {
  std::map<std::string, Value, std::less<>> d;
  // Core
  d.emplace("DEBUG", Value::from_bool(false));
  d.emplace("ALLOWED_HOSTS", empty_list());
  d.emplace("ADMINS", empty_list());
  d.emplace("MANAGERS", empty_list());
  d.emplace("INSTALLED_APPS", empty_list());
  d.emplace("MIDDLEWARE", empty_list());
  d.emplace("TIME_ZONE", str("America/Chicago"));
  d.emplace("USE_TZ", Value::from_bool(true));  // False before Django 5.0
  d.emplace("LANGUAGE_CODE", str("en-us"));
  d.emplace("DATABASES", empty_dict());
  d.emplace("DEFAULT_AUTO_FIELD", str("django.db.models.AutoField"));
  d.emplace("EMAIL_BACKEND", str("django.core.mail.backends.smtp.EmailBackend"));
  d.emplace("LOGGING_CONFIG", str("logging.config.dictConfig"));
  d.emplace("LOGGING", empty_dict());
  d.emplace("AUTH_PASSWORD_VALIDATORS", empty_list());
  d.emplace("USE_X_FORWARDED_HOST", Value::from_bool(false));
  d.emplace("USE_X_FORWARDED_PORT", Value::from_bool(false));
  d.emplace("DATA_UPLOAD_MAX_MEMORY_SIZE", Value::from_int(2621440));
  d.emplace("DATA_UPLOAD_MAX_NUMBER_FIELDS", Value::from_int(1000));
  d.emplace("DATA_UPLOAD_MAX_NUMBER_FILES", Value::from_int(100));

  // Secret keys. An empty SECRET_KEY makes `settings.SECRET_KEY` raise ImproperlyConfigured (Django >= 3.2).
  d.emplace("SECRET_KEY", str(""));
  d.emplace("SECRET_KEY_FALLBACKS", empty_list());  // Django >= 4.1

  // Files and URLs
  d.emplace("MEDIA_ROOT", str(""));
  d.emplace("MEDIA_URL", str(""));
  d.emplace("STATIC_ROOT", Value::none());
  d.emplace("STATIC_URL", Value::none());
  d.emplace("STATICFILES_DIRS", empty_list());

  // Caches: one local-memory cache named "default".
  {
    std::vector<std::pair<Value, Value>> backend;
    backend.emplace_back(str("BACKEND"), str("django.core.cache.backends.locmem.LocMemCache"));
    std::vector<std::pair<Value, Value>> caches;
    caches.emplace_back(str("default"), Value::dict(std::move(backend)));
    d.emplace("CACHES", Value::dict(std::move(caches)));
  }

  // Security middleware (SECURE_BROWSER_XSS_FILTER is gone since Django 4.0).
  d.emplace("SECURE_CONTENT_TYPE_NOSNIFF", Value::from_bool(true));
  d.emplace("SECURE_CROSS_ORIGIN_OPENER_POLICY", str("same-origin"));  // Django >= 4.0
  d.emplace("SECURE_HSTS_INCLUDE_SUBDOMAINS", Value::from_bool(false));
  d.emplace("SECURE_HSTS_PRELOAD", Value::from_bool(false));
  d.emplace("SECURE_HSTS_SECONDS", Value::from_int(0));
  d.emplace("SECURE_REDIRECT_EXEMPT", empty_list());
  d.emplace("SECURE_REFERRER_POLICY", str("same-origin"));
  d.emplace("SECURE_SSL_HOST", Value::none());
  d.emplace("SECURE_SSL_REDIRECT", Value::from_bool(false));
  d.emplace("SECURE_PROXY_SSL_HEADER", Value::none());
  d.emplace("SECURE_CSP", empty_dict());              // Django >= 6.0
  d.emplace("SECURE_CSP_REPORT_ONLY", empty_dict());  // Django >= 6.0
  d.emplace("X_FRAME_OPTIONS", str("DENY"));

  // Sessions
  d.emplace("SESSION_COOKIE_SECURE", Value::from_bool(false));
  d.emplace("SESSION_COOKIE_HTTPONLY", Value::from_bool(true));
  d.emplace("SESSION_COOKIE_SAMESITE", str("Lax"));
  d.emplace("SESSION_COOKIE_AGE", Value::from_int(60 * 60 * 24 * 7 * 2));
  d.emplace("SESSION_EXPIRE_AT_BROWSER_CLOSE", Value::from_bool(false));
  d.emplace("SESSION_ENGINE", str("django.contrib.sessions.backends.db"));
  d.emplace("SESSION_CACHE_ALIAS", str("default"));

  // CSRF
  d.emplace("CSRF_COOKIE_SECURE", Value::from_bool(false));
  d.emplace("CSRF_COOKIE_HTTPONLY", Value::from_bool(false));
  d.emplace("CSRF_COOKIE_SAMESITE", str("Lax"));
  d.emplace("CSRF_TRUSTED_ORIGINS", empty_list());
  d.emplace("CSRF_USE_SESSIONS", Value::from_bool(false));
  d.emplace("CSRF_FAILURE_VIEW", str("django.views.csrf.csrf_failure"));

  // System checks
  d.emplace("SILENCED_SYSTEM_CHECKS", empty_list());

  return d;
}

}  // namespace

const Value* django_default(std::string_view name) {
  static const std::map<std::string, Value, std::less<>> defaults = build_defaults();
  const auto it = defaults.find(name);
  return it == defaults.end() ? nullptr : &it->second;
}

Origin setting_origin(const SettingsModel& model, std::string_view name) {
  if (const Value* assigned = model.get(name)) return assigned->origin;
  return Origin{model.settings_file, python::Position{1, 1, 0, 0}, true};
}

Value setting_or_default(const SettingsModel& model, std::string_view name) {
  if (const Value* assigned = model.get(name)) return *assigned;
  Value value = [&] {
    if (!model.namespace_complete)
      return Value::unknown(std::string(name) + " is not assigned where deployctl can see, and may be set by " +
                            model.namespace_incomplete_because);
    if (const Value* fallback = django_default(name)) return *fallback;
    return Value::unknown("Django's default for " + std::string(name) + " is not known to deployctl");
  }();
  value.origin = setting_origin(model, name);
  return value;
}

Value setting_or_default_on_every_path(const SettingsModel& model, std::string_view name) {
  Value value = setting_or_default(model, name);
  const Value* fallback = django_default(name);
  if (value.is_known() || !model.namespace_complete || fallback == nullptr) return value;
  for (Value& alternative : value.alternatives)
    if (!alternative.is_known() && alternative.unknown_reason == unset_on_this_path) {
      const Origin origin = alternative.origin;
      alternative = *fallback;
      alternative.origin = origin;
    }
  return value;
}

}  // namespace deployctl::checks::settings
