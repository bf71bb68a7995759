// TYPE002 bool-setting-string: a boolean setting holds a string such as 'True' or '': it works by accident of
// truthiness, and Django 4.1+'s deploy checks for cookie flags require `is True`.
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  for (const std::string_view setting : own::boolean_settings()) {
    const std::string name(setting);
    const settings::Value* value = model.get(name);
    if (!value || own::never_a_string(*value) || !own::known_or_blind(model, name, sink) || !value->is_string() ||
        own::is_raw_env_string(*value) || own::reads_as_false(value->text))
      continue;
    const std::string note = own::default_note(*value);
    if (value->text.empty()) {
      sink.report(name + " is '' (an empty string)" + note +
                      ", not the boolean False: it is off only because an "
                      "empty string is false.",
                  value->origin, name);
    } else {
      const std::string shown = value->text.size() <= 20 ? "'" + value->text + "'" : own::sized(value->text, "string");
      sink.report(name + " is the string " + shown + note +
                      ", not the boolean True: it is on only because a non-empty string is true, and Django 4.1+ "
                      "deploy checks (security.W012, W016) require the value to be `True` itself.",
                  value->origin, name);
    }
  }
}

}  // namespace

extern const Rule type002_bool_setting_string{
    RuleInfo{
        .id = "TYPE002",
        .name = "bool-setting-string",
        .severity = Severity::warning,
        .summary = "A boolean setting is a string such as 'True' or '' instead of a boolean.",
        .rationale = "'True' happens to work because a non-empty string is true, but the next edit to 'False' will not "
                     "turn the setting off, and since Django 4.1 the cookie checks (security.W012, W016) require "
                     "SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE to be `True` itself, so check --deploy fails.",
        .fix = "Write the boolean: SESSION_COOKIE_SECURE = True.",
        .example_fires = "SESSION_COOKIE_SECURE = 'True'\n",
        .example_passes = "SESSION_COOKIE_SECURE = True\n",
        .django_check = "",
        .notes = "Same settings as TYPE001. A string that reads as off ('False', '0') or an environment variable's "
                 "raw text is TYPE001, an error.",
    },
    check,
};

}  // namespace deployctl::checks::rules
