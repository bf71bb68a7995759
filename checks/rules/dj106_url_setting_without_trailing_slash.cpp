// DJ106: STATIC_URL or MEDIA_URL does not end with a slash (urls.E006).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/rule.hpp"

#include <array>

namespace deployctl::checks::rules {
namespace {

using settings::Value;

// `value and not value.endswith("/")` for a str; nullopt for anything else (Django's script-prefix handling
// and endswith would raise on other types, and unknown values are unknown).
django::Answer lacks_slash(const Value& value) {
  if (value.kind == Value::Kind::none) return false;
  if (value.kind != Value::Kind::string) return std::nullopt;
  return !value.text.empty() && !value.text.ends_with('/');
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  for (const std::string_view name : std::array<std::string_view, 2>{"STATIC_URL", "MEDIA_URL"}) {
    const Value url = settings::setting_or_default(model, name);
    if (!django::definitely(django::decide(sink, name, url, lacks_slash))) continue;
    sink.report(django::setting_state(model, name) +
                    ", which does not end with a slash: URLs built from it "
                    "run the directory and file names together",
                url.origin, std::string(name));
  }
}

}  // namespace

extern const Rule dj106_url_setting_without_trailing_slash;
const Rule dj106_url_setting_without_trailing_slash{
    RuleInfo{
        .id = "DJ106",
        .name = "url-setting-without-trailing-slash",
        .severity = Severity::error,
        .summary = "STATIC_URL or MEDIA_URL does not end with a slash",
        .rationale = "Django joins STATIC_URL and MEDIA_URL with file names by plain concatenation: "
                     "\"/static\" + \"css/site.css\" gives \"/staticcss/site.css\", and every asset 404s.",
        .fix = "End the URL with a slash: STATIC_URL = \"/static/\".",
        .example_fires = "STATIC_URL = \"/static\"\n",
        .example_passes = "STATIC_URL = \"/static/\"\n",
        .django_check = "urls.E006",
        .notes = "Runs with every `check`, not only with --deploy. Since Django 3.1 a relative value gets the "
                 "script prefix ('static' is read as '/static'), which does not change the outcome.",
    },
    check};

}  // namespace deployctl::checks::rules
