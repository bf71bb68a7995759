// DJ009: SECRET_KEY is empty, short, repetitive or startproject's throwaway key (security.W009).
#include "checks/rules/django_helpers.hpp"
#include "checks/rules/own_helpers.hpp"
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {
namespace {

// Whether Django's check fails for this key. An empty (falsy) key makes settings.SECRET_KEY raise
// ImproperlyConfigured, which the check counts as a failure.
django::Answer is_weak(const settings::Value& key) {
  const django::Answer present = key.truthy();
  if (!present) return std::nullopt;
  if (!*present) return true;
  const auto verdict = django::judge_secret_key(key);
  if (!verdict) return std::nullopt;
  return verdict->weak;
}

// What is wrong with a known weak key, without revealing it.
std::string weakness(const settings::Value& key) {
  if (key.truthy() == false) return "is empty";
  const auto verdict = django::judge_secret_key(key);
  return verdict ? verdict->why : std::string("is weak");
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  const settings::Value key = settings::setting_or_default(model, "SECRET_KEY");
  if (own::debug_only(model, key)) return;         // a development key: deploys run with DEBUG off
  if (own::none_from_unset_variable(key)) return;  // Django refuses to start without it: required in effect
  const django::Answer weak = django::decide(sink, "SECRET_KEY", key, is_weak);
  if (!django::definitely(weak)) return;
  std::string message = model.get("SECRET_KEY") ? "SECRET_KEY " : "SECRET_KEY is not set, so it ";
  message += key.is_known() ? weakness(key) : "is weak in every branch of the settings";
  if (key.env) message += " (it comes from " + settings::describe_env_source(*key.env) + ")";
  message += ": sessions, password reset links and signed data can be forged by anyone who guesses it";
  sink.report(std::move(message), key.origin, "SECRET_KEY");
}

}  // namespace

extern const Rule dj009_weak_secret_key;
const Rule dj009_weak_secret_key{
    RuleInfo{
        .id = "DJ009",
        .name = "weak-secret-key",
        .severity = Severity::warning,
        .summary = "SECRET_KEY is empty, shorter than 50 characters, has fewer than 5 distinct characters, or "
                   "starts with 'django-insecure-'",
        .rationale = "SECRET_KEY signs sessions, password reset tokens, messages and anything passed through "
                     "django.core.signing. A short, repetitive or published key (startproject's "
                     "'django-insecure-...' key is in your repository) lets an attacker forge all of them.",
        .fix = "Generate a key with `python -c 'from django.core.management.utils import "
               "get_random_secret_key; print(get_random_secret_key())'` and read it from the environment or a "
               "secrets manager: SECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"].",
        .example_fires = "SECRET_KEY = \"django-insecure-0123456789abcdefghijklmnopqrstuvwxyz0123456789\"\n",
        .example_passes = "SECRET_KEY = \"q9#c!w2v@z0-4kq1^x7b8m$n3p5r6s_t(u)y*e&h+j=l%d~a{f}g[i]o|\"\n",
        .django_check = "security.W009",
        .notes = "The 'django-insecure-' prefix test exists since Django 3.2. An empty key fails because reading "
                 "it raises ImproperlyConfigured (Django >= 3.2). Keys produced at run time (environment "
                 "variables that are not given, get_random_secret_key()) are unknown and never reported by this "
                 "rule, nor is None read from an unset variable without a default (Django refuses to start "
                 "without a key, so the variable is required in effect). A bytes key long enough to reach the prefix "
                 "test would crash Django's check; the rule is "
                 "silent then. A key chosen because DEBUG is on (`'dev' if DEBUG else os.environ['KEY']`, DEBUG "
                 "on while its variable is unset) is a development key: a deploy runs with DEBUG off and takes the "
                 "other branch, and DEBUG's default is DBG001's finding.",
        .concerns_secret = true,
    },
    check};

}  // namespace deployctl::checks::rules
