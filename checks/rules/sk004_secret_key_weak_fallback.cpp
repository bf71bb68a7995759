// SK004 secret-key-weak-fallback: the SECRET_KEY default used when the variable is unset is one Django's own
// check would reject; Django's W009 only ever sees the one value of the run it is in.
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (!own::known_or_blind(model, "SECRET_KEY", sink)) return;
  const settings::Value* key = model.get("SECRET_KEY");
  if (!key || !key->env || !key->env->default_value) return;
  const settings::EnvRead& read = *key->env;
  const settings::Value& fallback = *read.default_value;
  if (!fallback.is_string() || fallback.text.empty() || own::random_producer(fallback)) return;
  const auto weakness = own::secret_key_weakness(fallback.text);
  if (!weakness) return;
  sink.report("the SECRET_KEY used when " + read.variable + " is unset (the default of " + own::describe_read(read) +
                  ") " + *weakness + ": sessions and tokens signed with it can be forged more easily.",
              read.where, "SECRET_KEY");
}

}  // namespace

extern const Rule sk004_secret_key_weak_fallback{
    RuleInfo{
        .id = "SK004",
        .name = "secret-key-weak-fallback",
        .severity = Severity::warning,
        .summary = "The fallback SECRET_KEY of an environment read is weaker than Django accepts (fewer than 50 "
                   "characters, fewer than 5 distinct ones, or a 'django-insecure-' key).",
        .rationale =
            "Django's check (security.W009) looks at the one SECRET_KEY of the run it is in. When the variable is "
            "set there, a short placeholder default such as 'changeme' goes unnoticed, and it is exactly the key a "
            "server without the variable will use.",
        .fix = "Remove the default (SK002), or at least never let a placeholder be a usable key: "
               "SECRET_KEY = os.environ['DJANGO_SECRET_KEY'].",
        .example_fires = "import os\n\nSECRET_KEY = os.getenv('DJANGO_SECRET_KEY', 'changeme')\n",
        .example_passes = "import os\n\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n",
        .django_check = "",
        .notes = "Same thresholds as Django's security.W009. A literal SECRET_KEY is SK001, and its strength is "
                 "security.W009 (the DJ mirror). Any hard-coded fallback is also SK002.",
    },
    check,
};

}  // namespace deployctl::checks::rules
