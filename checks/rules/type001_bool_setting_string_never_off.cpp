// TYPE001 bool-setting-string-never-off: a boolean setting holds a string that Python takes as True although
// it reads as off ('False', '0'), or an env variable's raw text, which no value of the variable can turn off.
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

std::string shown(const std::string& text) { return text.size() <= 20 ? "'" + text + "'" : own::sized(text, "string"); }

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  for (const std::string_view setting : own::boolean_settings()) {
    const std::string name(setting);
    const settings::Value* value = model.get(name);
    if (!value || own::never_a_string(*value) || !own::known_or_blind(model, name, sink)) continue;
    if (own::is_raw_env_string(*value)) {
      if (name == "DEBUG") continue;  // DBG002 says it for DEBUG
      const settings::EnvRead& read = *value->env;
      sink.report(name + " is the raw text of " + own::describe_read(read) + " (no cast): any non-empty value of " +
                      read.variable + ", 'False' and '0' included, turns it on, because a non-empty string is true.",
                  value->origin, name);
    } else if (value->is_string() && own::reads_as_false(value->text)) {
      sink.report(name + " is the string " + shown(value->text) + own::default_note(*value) +
                      ", which Python takes as True: " + name + " is on, the opposite of what it says.",
                  value->origin, name);
    }
  }
}

}  // namespace

extern const Rule type001_bool_setting_string_never_off{
    RuleInfo{
        .id = "TYPE001",
        .name = "bool-setting-string-never-off",
        .severity = Severity::error,
        .summary = "A boolean setting is a string that reads as off ('False', '0') but is true, or an environment "
                   "variable's raw text that no value can turn off.",
        .rationale = "Django tests these settings for truth, and every non-empty string is true: DEBUG = 'False' turns "
                     "debug pages on, SECURE_SSL_REDIRECT = os.environ.get('SSL_REDIRECT', 'True') redirects even when "
                     "the operator sets SSL_REDIRECT=False behind a TLS-terminating proxy (a redirect loop), and "
                     "USE_X_FORWARDED_HOST turned on by a stray string trusts a header clients can forge.",
        .fix = "Write real booleans (True/False), and parse environment text: env.bool('X', default=False), "
               "config('X', default=False, cast=bool) or os.environ.get('X', '').lower() in ('1', 'true', 'yes').",
        .example_fires = "import os\n\nSECURE_SSL_REDIRECT = os.environ.get('DJANGO_SSL_REDIRECT', 'True')\n",
        .example_passes =
            "import os\n\nSECURE_SSL_REDIRECT = os.environ.get('DJANGO_SSL_REDIRECT', 'True') == 'True'\n",
        .django_check = "",
        .notes = "Settings checked: DEBUG, SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE, "
                 "SESSION_COOKIE_HTTPONLY, CSRF_COOKIE_HTTPONLY, SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD, "
                 "SECURE_CONTENT_TYPE_NOSNIFF, SECURE_BROWSER_XSS_FILTER, USE_X_FORWARDED_HOST, USE_X_FORWARDED_PORT, "
                 "CSRF_USE_SESSIONS, SESSION_EXPIRE_AT_BROWSER_CLOSE, DEBUG_PROPAGATE_EXCEPTIONS, EMAIL_USE_TLS, "
                 "EMAIL_USE_SSL, the django-cors-headers switches, USE_TZ and APPEND_SLASH. DEBUG read raw from the "
                 "environment is DBG002. A string that reads as on ('True') is TYPE002.",
    },
    check,
};

}  // namespace deployctl::checks::rules
