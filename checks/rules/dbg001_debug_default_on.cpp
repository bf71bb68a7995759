// DBG001 debug-default-on: DEBUG is read from the environment with a default that turns debug on, so a
// deploy that forgets the variable runs with debug pages. Django's W018 sees only the value of one run.
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

std::string join_steps(const std::vector<std::string>& steps) {
  std::string joined;
  for (const std::string& step : steps) joined += (joined.empty() ? "" : ", then ") + step;
  return joined;
}

// What DEBUG becomes from the default alone, for reads whose value the evaluator could not know because a
// .env file may set the variable: decouple's cast=bool and django-environ's env.bool (which returns a
// default as written, uncast). nullopt for anything else.
std::optional<bool> default_outcome(const settings::Value& debug, const settings::EnvRead& read) {
  if (!debug.steps.empty() || !read.default_value || !read.default_value->is_known()) return std::nullopt;
  const settings::Value& fallback = *read.default_value;
  if (read.reader == "env.bool") return fallback.truthy();
  if (read.reader != "config" || read.cast != "bool") return std::nullopt;
  // decouple's _cast_boolean: str(value).lower() in its true words.
  static constexpr std::array<std::string_view, 6> true_words = {"y", "yes", "t", "true", "on", "1"};
  std::string text;
  if (fallback.kind == settings::Value::Kind::boolean)
    text = fallback.boolean ? "true" : "false";
  else if (fallback.kind == settings::Value::Kind::integer)
    text = std::to_string(fallback.integer);
  else if (fallback.is_string())
    text = fallback.text;
  else
    return std::nullopt;
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(true_words.begin(), true_words.end(), text) != true_words.end();
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!own::known_or_blind(model, "DEBUG", sink)) return;
  const settings::Value* debug = model.get("DEBUG");
  if (!debug || !debug->env || debug->env->is_set) return;
  const settings::EnvRead& read = *debug->env;
  const bool known = debug->is_known();
  if (known ? debug->truthy() != true : default_outcome(*debug, read) != true) return;
  const std::string fallback = read.default_value ? read.default_value->describe() : "None (no default)";
  std::string message = "DEBUG is on whenever " + read.variable + " is unset" +
                        (known ? std::string() : std::string(" (and no .env file sets it)")) + ": " +
                        own::describe_read(read) + " falls back to " + fallback;
  if (read.reader.starts_with("env.") && read.default_value && read.default_value->is_string())
    message += ", which django-environ returns as written, without casting it";
  if (!debug->steps.empty()) message += ", and " + join_steps(debug->steps) + " turns that into true";
  message += ", so a deploy that forgets the variable serves debug pages (settings, tracebacks, SQL) to anyone.";
  sink.report(std::move(message), debug->origin, "DEBUG");
}

}  // namespace

extern const Rule dbg001_debug_default_on{
    RuleInfo{
        .id = "DBG001",
        .name = "debug-default-on",
        .severity = Severity::error,
        .summary = "DEBUG is read from the environment with a default that turns debug on when the variable is unset.",
        .rationale =
            "The default applies wherever the variable is missing: a new server, a cron container, a platform "
            "whose variables were not copied. Debug pages then show settings, environment, SQL and source to "
            "anyone who triggers an error. Django's own check (security.W018) only sees the run it is in, where "
            "the variable is usually set.",
        .fix = "Make the safe value the default: env.bool('DJANGO_DEBUG', default=False), "
               "config('DJANGO_DEBUG', default=False, cast=bool) or "
               "os.environ.get('DJANGO_DEBUG', '') == 'True'; turn debug on explicitly in development.",
        .example_fires = "import os\n\nDEBUG = os.environ.get('DJANGO_DEBUG', 'True') == 'True'\n",
        .example_passes = "import os\n\nDEBUG = os.environ.get('DJANGO_DEBUG', 'False') == 'True'\n",
        .django_check = "",
        .notes = "Evaluated in the analysed environment, empty by default: when --env sets the variable the value "
                 "read wins and this rule does not fire. django-environ returns a default as written, so "
                 "env.bool('DEBUG', default='False') is the true string 'False' and fires.",
    },
    check,
};

}  // namespace deployctl::checks::rules
