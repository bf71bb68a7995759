// The rule table. Each rule lives in its own file as `extern const Rule <name>;` and is listed here once.
// IDs are never reused: a retired rule keeps its ID out of circulation.
#include "checks/rules/registry.hpp"

#include <array>

namespace deployctl::checks::rules {

// ---- Django parity: mirrors of `manage.py check --deploy` (DJ...) ----
// (declarations: extern const Rule <name>;)
extern const Rule dj001_security_middleware_missing;
extern const Rule dj002_xframe_middleware_missing;
extern const Rule dj003_csrf_middleware_missing;
extern const Rule dj004_hsts_not_enabled;
extern const Rule dj005_hsts_without_subdomains;
extern const Rule dj006_content_type_nosniff_disabled;
extern const Rule dj008_ssl_redirect_disabled;
extern const Rule dj009_weak_secret_key;
extern const Rule dj010_session_cookie_not_secure_app;
extern const Rule dj011_session_cookie_not_secure_middleware;
extern const Rule dj012_session_cookie_not_secure;
extern const Rule dj013_session_cookie_httponly_app;
extern const Rule dj014_session_cookie_httponly_middleware;
extern const Rule dj015_session_cookie_not_httponly;
extern const Rule dj016_csrf_cookie_not_secure;
extern const Rule dj018_debug_enabled;
extern const Rule dj019_x_frame_options_not_deny;
extern const Rule dj020_allowed_hosts_empty;
extern const Rule dj021_hsts_without_preload;
extern const Rule dj022_referrer_policy_missing;
extern const Rule dj023_referrer_policy_invalid;
extern const Rule dj024_cross_origin_opener_policy_invalid;
extern const Rule dj025_weak_secret_key_fallback;
extern const Rule dj026_csp_setting_not_dict;
extern const Rule dj101_default_cache_missing;
extern const Rule dj102_cache_location_exposed;
extern const Rule dj103_cache_location_relative;
extern const Rule dj106_url_setting_without_trailing_slash;
extern const Rule dj140_csrf_trusted_origin_without_scheme;

// ---- deployctl's own rules ----
extern const Rule dbg001_debug_default_on;
extern const Rule dbg002_debug_raw_env_string;
extern const Rule sk001_secret_key_literal;
extern const Rule sk002_secret_key_fallback;
extern const Rule sk003_secret_key_generated;
extern const Rule sk004_secret_key_weak_fallback;
extern const Rule host001_allowed_hosts_wildcard;
extern const Rule host002_allowed_hosts_wildcard_default;
extern const Rule host003_allowed_hosts_empty_string;
extern const Rule log001_logging_version;
extern const Rule log002_logging_undefined_reference;
extern const Rule log003_logging_unknown_level;
extern const Rule log004_logging_handler_class;
extern const Rule log005_logging_relative_filename;
extern const Rule log006_logging_disables_django_loggers;
extern const Rule log007_logging_invalid_formatter;
extern const Rule db001_database_password_literal;
extern const Rule db002_database_url_credentials;
extern const Rule cors001_cors_allow_all_origins;
extern const Rule cors002_cors_allow_all_with_credentials;
extern const Rule type001_bool_setting_string_never_off;
extern const Rule type002_bool_setting_string;
extern const Rule cache001_cache_credentials;
extern const Rule cel001_celery_url_credentials;
extern const Rule secret001_secret_setting_written;
extern const Rule chan001_in_memory_channel_layer;
extern const Rule chan002_websocket_origin_check_open;
extern const Rule sess001_sessions_in_process_cache;
extern const Rule path001_dotted_path_unresolved;

// ---- repository and runtime checks (checks/git/, checks/django_runtime/) ----
extern const Rule git001_sensitive_file_tracked;
extern const Rule git002_secret_in_history;
extern const Rule git003_gitignore_incomplete;
extern const Rule rt001_django_system_check;

// ---- evaluation problems ----
extern const Rule dpl001_syntax_error;
extern const Rule dpl002_import_cycle;
extern const Rule dpl003_unreadable_module;

// ---- suppressions and blind spots ----
extern const Rule dpl004_unused_suppression;
extern const Rule dpl005_unknown_setting;

namespace {
const Rule* const table[] = {
    // ---- Django parity ----
    &dj001_security_middleware_missing,
    &dj002_xframe_middleware_missing,
    &dj003_csrf_middleware_missing,
    &dj004_hsts_not_enabled,
    &dj005_hsts_without_subdomains,
    &dj006_content_type_nosniff_disabled,
    &dj008_ssl_redirect_disabled,
    &dj009_weak_secret_key,
    &dj010_session_cookie_not_secure_app,
    &dj011_session_cookie_not_secure_middleware,
    &dj012_session_cookie_not_secure,
    &dj013_session_cookie_httponly_app,
    &dj014_session_cookie_httponly_middleware,
    &dj015_session_cookie_not_httponly,
    &dj016_csrf_cookie_not_secure,
    &dj018_debug_enabled,
    &dj019_x_frame_options_not_deny,
    &dj020_allowed_hosts_empty,
    &dj021_hsts_without_preload,
    &dj022_referrer_policy_missing,
    &dj023_referrer_policy_invalid,
    &dj024_cross_origin_opener_policy_invalid,
    &dj025_weak_secret_key_fallback,
    &dj026_csp_setting_not_dict,
    &dj101_default_cache_missing,
    &dj102_cache_location_exposed,
    &dj103_cache_location_relative,
    &dj106_url_setting_without_trailing_slash,
    &dj140_csrf_trusted_origin_without_scheme,
    // ---- deployctl's own ----
    &dbg001_debug_default_on,
    &dbg002_debug_raw_env_string,
    &sk001_secret_key_literal,
    &sk002_secret_key_fallback,
    &sk003_secret_key_generated,
    &sk004_secret_key_weak_fallback,
    &host001_allowed_hosts_wildcard,
    &host002_allowed_hosts_wildcard_default,
    &host003_allowed_hosts_empty_string,
    &log001_logging_version,
    &log002_logging_undefined_reference,
    &log003_logging_unknown_level,
    &log004_logging_handler_class,
    &log005_logging_relative_filename,
    &log006_logging_disables_django_loggers,
    &log007_logging_invalid_formatter,
    &db001_database_password_literal,
    &db002_database_url_credentials,
    &cors001_cors_allow_all_origins,
    &cors002_cors_allow_all_with_credentials,
    &type001_bool_setting_string_never_off,
    &type002_bool_setting_string,
    &cache001_cache_credentials,
    &cel001_celery_url_credentials,
    &secret001_secret_setting_written,
    &chan001_in_memory_channel_layer,
    &chan002_websocket_origin_check_open,
    &sess001_sessions_in_process_cache,
    &path001_dotted_path_unresolved,
    // ---- repository and runtime checks ----
    &git001_sensitive_file_tracked,
    &git002_secret_in_history,
    &git003_gitignore_incomplete,
    &rt001_django_system_check,
    // ---- evaluation problems ----
    &dpl001_syntax_error,
    &dpl002_import_cycle,
    &dpl003_unreadable_module,
    // ---- suppressions and blind spots ----
    &dpl004_unused_suppression,
    &dpl005_unknown_setting,
    nullptr,
};
}  // namespace

std::span<const Rule> all_rules() {
  static const std::vector<Rule> rules = [] {
    std::vector<Rule> list;
    for (const Rule* rule : table)
      if (rule) list.push_back(*rule);
    return list;
  }();
  return rules;
}

const Rule* find_rule(std::string_view id) {
  for (const Rule& rule : all_rules())
    if (rule.info.id == id) return &rule;
  return nullptr;
}

}  // namespace deployctl::checks::rules
