// SK002 secret-key-fallback: SECRET_KEY is read from the environment but falls back to a key written in the
// settings, which a deploy that misses the variable then uses silently.
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

// Reports `value` when it is an env read with a hard-coded key as its default; `name` is how to call it.
void check_key(const settings::Value& value, const std::string& name, const std::string& setting, FindingSink& sink) {
  if (!value.env || !value.env->default_value) return;
  const settings::EnvRead& read = *value.env;
  const settings::Value& fallback = *read.default_value;
  // A default computed from another read or generated at import is not a key written in the source.
  if (!fallback.is_string() || fallback.text.empty() || fallback.env || own::random_producer(fallback)) return;
  std::string message = name + " falls back to " + own::sized(fallback.text, "literal") +
                        " written in the settings when " + read.variable + " is unset (" + own::describe_read(read) +
                        ")";
  if (!read.is_set && value.is_known()) message += ", as it is in the analysed environment";
  message +=
      ": a deploy that misses the variable starts normally and signs sessions and password-reset links with a "
      "key everyone with the source knows.";
  sink.report(std::move(message), read.where, setting);
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (own::known_or_blind(model, "SECRET_KEY", sink))
    if (const settings::Value* key = model.get("SECRET_KEY")) check_key(*key, "SECRET_KEY", "SECRET_KEY", sink);
  if (!own::known_or_blind(model, "SECRET_KEY_FALLBACKS", sink)) return;
  const settings::Value* fallbacks = model.get("SECRET_KEY_FALLBACKS");
  if (!fallbacks || !fallbacks->is_sequence()) return;
  for (std::size_t i = 0; i < fallbacks->items.size(); ++i)
    check_key(fallbacks->items[i], "SECRET_KEY_FALLBACKS[" + std::to_string(i) + "]", "SECRET_KEY_FALLBACKS", sink);
}

}  // namespace

extern const Rule sk002_secret_key_fallback{
    RuleInfo{
        .id = "SK002",
        .name = "secret-key-fallback",
        .severity = Severity::error,
        .summary = "SECRET_KEY (or an entry of SECRET_KEY_FALLBACKS) is read from the environment with a hard-coded "
                   "fallback key.",
        .rationale =
            "`os.environ.get('DJANGO_SECRET_KEY', 'default_secret_key')`, env('SECRET_KEY', default=...) and "
            "config('SECRET_KEY', default=...) look safe in review, but the fallback applies wherever the variable "
            "is missing, and nothing fails: the site runs, signing sessions, password-reset tokens and cookies "
            "with a key that is in the repository. Django's check sees only the key of the run it is in.",
        .fix =
            "Drop the default so that a missing variable stops the start: "
            "SECRET_KEY = os.environ['DJANGO_SECRET_KEY'] (or env('DJANGO_SECRET_KEY'), config('DJANGO_SECRET_KEY')). "
            "Give development its own settings module or .env file.",
        .example_fires = "import os\n\nSECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'default_secret_key')\n",
        .example_passes = "import os\n\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n",
        .django_check = "",
        .notes = "Fires whether or not the variable is set in the analysed environment, since the fallback is in the "
                 "source either way. A fallback generated at import time is SK003; a weak fallback is also SK004.",
    },
    check,
};

}  // namespace deployctl::checks::rules
