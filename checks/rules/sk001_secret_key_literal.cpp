// SK001 secret-key-literal: SECRET_KEY (or a SECRET_KEY_FALLBACKS entry) is written in the settings, so
// everyone with the source can forge what Django signs. The message gives the length, never the key.
#include <string>

#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

// The literal key `key` is, or one among the values a merged unknown `key` may have; null when none.
const settings::Value* literal_path(const settings::Value& key) {
  if (own::is_literal_text(key)) return &key;
  if (key.is_known()) return nullptr;
  for (const settings::Value& alternative : key.alternatives)
    if (const settings::Value* literal = literal_path(alternative)) return literal;
  return nullptr;
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  constexpr std::string_view consequence =
      ": everyone with access to the source or its history can forge sessions, password-reset links and "
      "signed cookies.";
  const settings::Value* key = model.get("SECRET_KEY");
  if (const settings::Value* literal = key ? literal_path(*key) : nullptr; literal == key && key) {
    sink.report(
        "SECRET_KEY is " + own::sized(key->text, "literal") + " written in the settings" + std::string(consequence),
        key->origin, "SECRET_KEY");
  } else if (literal) {
    // One of several paths (the key depends on a condition the analysis leaves open, such as whether a secret
    // variable is set): the literal is the key of every deploy that takes it.
    sink.report("SECRET_KEY is " + own::sized(literal->text, "literal") +
                    " written in the settings on one of the paths the settings may take (the key " +
                    key->unknown_reason + ")" + std::string(consequence),
                literal->origin, "SECRET_KEY");
  } else {
    (void)own::known_or_blind(model, "SECRET_KEY", sink);
  }
  // An old key kept for rotation still validates signatures: in the source it is as public as the key.
  if (!own::known_or_blind(model, "SECRET_KEY_FALLBACKS", sink)) return;
  const settings::Value* fallbacks = model.get("SECRET_KEY_FALLBACKS");
  if (!fallbacks || !fallbacks->is_sequence()) return;
  for (std::size_t i = 0; i < fallbacks->items.size(); ++i) {
    const settings::Value& old_key = fallbacks->items[i];
    if (!own::is_literal_text(old_key)) continue;
    sink.report("SECRET_KEY_FALLBACKS[" + std::to_string(i) + "] is " + own::sized(old_key.text, "literal") +
                    " written in the settings; Django still accepts what it signed" + std::string(consequence),
                old_key.origin, "SECRET_KEY_FALLBACKS");
  }
}

}  // namespace

extern const Rule sk001_secret_key_literal{
    RuleInfo{
        .id = "SK001",
        .name = "secret-key-literal",
        .severity = Severity::error,
        .summary = "SECRET_KEY, or an entry of SECRET_KEY_FALLBACKS, is written literally in the settings.",
        .rationale =
            "Django signs sessions, password-reset tokens, messages and signed cookies with SECRET_KEY. A key in "
            "the source is known to everyone who can read the repository, its history, its forks and its CI "
            "logs, and they can forge any of those. Keys in SECRET_KEY_FALLBACKS are still accepted for "
            "verification, so an old key in the source is as dangerous as the current one.",
        .fix = "Read the key from the environment or a secrets file without a fallback, e.g. "
               "SECRET_KEY = os.environ['DJANGO_SECRET_KEY'], and rotate the key that was committed.",
        .example_fires = "SECRET_KEY = 'p8#3k!x@f2z$w9q&r7m*t1v^b6n(c4j)h0g_d5s+a-e=l;y,u.o/i?'\n",
        .example_passes = "import os\n\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n",
        .django_check = "",
        .notes = "Empty literals are left to Django, which refuses to start with an empty SECRET_KEY. The weakness of "
                 "a literal key is Django's security.W009 (its DJ mirror); this rule is about where the key lives.",
    },
    check,
};

}  // namespace deployctl::checks::rules
