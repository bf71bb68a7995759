// DBG002 debug-raw-env-string: DEBUG is the raw text of an environment variable (or bool() of it), so
// DJANGO_DEBUG=False turns debug on: every non-empty string is true.
#include <algorithm>
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!own::known_or_blind(model, "DEBUG", sink)) return;
  const settings::Value* debug = model.get("DEBUG");
  if (!debug || !own::is_raw_env_string(*debug)) return;
  const settings::EnvRead& read = *debug->env;
  const bool through_bool =
      std::ranges::any_of(debug->steps, [](const std::string& step) { return step.starts_with("bool("); });
  std::string message = through_bool ? "DEBUG is bool() of " + own::describe_read(read) + ", and bool('False') is True"
                                     : "DEBUG is the raw text of " + own::describe_read(read) +
                                           " (no cast), and Django only tests it for truth";
  message += ": any non-empty value of " + read.variable + ", 'False' and '0' included, turns debug on.";
  sink.report(std::move(message), debug->origin, "DEBUG");
}

}  // namespace

extern const Rule dbg002_debug_raw_env_string{
    RuleInfo{
        .id = "DBG002",
        .name = "debug-raw-env-string",
        .severity = Severity::error,
        .summary = "DEBUG is an environment variable's raw text, or bool() of it, so the value 'False' turns debug on.",
        .rationale =
            "os.environ values are strings. `os.environ.get('DEBUG', False)` is the string 'False' once the "
            "variable is set to False, and bool('False') is True: the operator who writes DEBUG=False gets debug "
            "pages in production, showing settings, environment and source to anyone.",
        .fix = "Parse the text: env.bool('DJANGO_DEBUG', default=False), config('DJANGO_DEBUG', default=False, "
               "cast=bool), or os.environ.get('DJANGO_DEBUG', '').lower() in ('1', 'true', 'yes').",
        .example_fires = "import os\n\nDEBUG = bool(os.getenv('DJANGO_DEBUG', ''))\n",
        .example_passes = "import os\n\nDEBUG = os.getenv('DJANGO_DEBUG', '').lower() in ('1', 'true', 'yes')\n",
        .django_check = "",
        .notes = "Fires on how DEBUG is computed, whatever the variable holds in the analysed environment. "
                 "Readers that parse booleans themselves (env.bool, decouple's cast=bool) are fine; django-environ's "
                 "plain env('DEBUG') is left alone because a scheme passed to Env() may cast it.",
    },
    check,
};

}  // namespace deployctl::checks::rules
