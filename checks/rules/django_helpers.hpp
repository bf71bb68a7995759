// What the Django-parity rules (DJ...) share: Python's answers to the questions Django's checks ask of settings
// (`x in MIDDLEWARE`, `value is True`, `bool(value)`), as three-valued answers: nullopt when the value cannot be
// known statically, in which case a parity rule stays silent (Django would see a concrete value we cannot know).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "checks/rules/rule.hpp"
#include "checks/settings/django_defaults.hpp"
#include "checks/settings/settings_model.hpp"
#include "checks/settings/value.hpp"

namespace deployctl::checks::rules::django {

using settings::SettingsModel;
using settings::Value;

// true / false as Python would answer, or nullopt when it cannot be known without running the code.
using Answer = std::optional<bool>;

inline bool definitely(Answer answer) { return answer.value_or(false); }

// Answers `question` for `value`. An unknown value merged from branches (if/else on an unknown condition) is
// answered when every value it may have gives the same answer; any other unknown value gets no answer.
template <typename Question>
Answer decide(const Value& value, Question&& question) {
  if (value.is_known()) return question(value);
  if (value.alternatives.empty()) return std::nullopt;
  Answer common;
  for (const Value& alternative : value.alternatives) {
    const Answer answer = decide(alternative, question);
    if (!answer || (common && *common != *answer)) return std::nullopt;
    common = answer;
  }
  return common;
}

// decide(), and when there is no answer, the rule tells `sink` it could not decide because of `setting`.
template <typename Question>
Answer decide(FindingSink& sink, std::string_view setting, const Value& value, Question&& question) {
  const Answer answer = decide(value, question);
  if (!answer) sink.cannot_decide(setting, value);
  return answer;
}

Answer is_true(const Value& value);  // `value is True`
Answer truthy(const Value& value);   // `bool(value)`
Answer is_none(const Value& value);  // `value is None`

// `item in container` for a string item: element equality for list/tuple/set, keys for a dict, substring for
// a str. nullopt when the container or a relevant element is unknown, or Python would raise TypeError.
Answer contains_string(const Value& container, std::string_view item);

inline constexpr std::string_view security_middleware = "django.middleware.security.SecurityMiddleware";
inline constexpr std::string_view xframe_middleware = "django.middleware.clickjacking.XFrameOptionsMiddleware";
inline constexpr std::string_view csrf_middleware = "django.middleware.csrf.CsrfViewMiddleware";
inline constexpr std::string_view session_middleware = "django.contrib.sessions.middleware.SessionMiddleware";
inline constexpr std::string_view sessions_app = "django.contrib.sessions";
inline constexpr std::string_view file_based_cache = "django.core.cache.backends.filebased.FileBasedCache";

// `dotted in settings.MIDDLEWARE` / `dotted in settings.INSTALLED_APPS`, defaults applied.
// With a sink, an unknown MIDDLEWARE (or INSTALLED_APPS) is recorded as what the rule could not decide.
Answer middleware_installed(const SettingsModel& model, std::string_view dotted, FindingSink* sink = nullptr);
// Django's precondition for the HSTS sub-checks (W005, W021): SecurityMiddleware installed and
// SECURE_HSTS_SECONDS truthy, both certainly.
bool hsts_definitely_enabled(const SettingsModel& model, FindingSink* sink = nullptr);
Answer app_installed(const SettingsModel& model, std::string_view dotted, FindingSink* sink = nullptr);

// "DEBUG is True (from environment variable DJANGO_DEBUG, which is not set: the default in the settings applies)"
// or "SECURE_HSTS_SECONDS is not set (Django's default: 0)". `secret` hides string contents (SECRET_KEY).
std::string setting_state(const SettingsModel& model, std::string_view name, bool secret = false);

// "SECURE_SSL_REDIRECT is 1, not True", "... is False, not True (from environment variable X, which is not set)"
// or "SECURE_SSL_REDIRECT is not set, and Django's default False is not True".
std::string setting_is_not(const SettingsModel& model, std::string_view name, std::string_view expected);

// A known value and where it came from, for messages; strings hidden when `secret`.
std::string describe_with_source(const Value& value, bool secret = false);

// Number of Unicode code points of UTF-8 text (Python's len() of a str).
std::size_t python_length(std::string_view utf8);

// Django's _check_secret_key (>= 50 characters, >= 5 distinct characters, no "django-insecure-" prefix) on a key
// Django would accept: nullopt when the key is unknown or of a type Django's check would crash on. When weak,
// `why` says which condition failed, without revealing the key.
struct SecretKeyVerdict {
  bool weak = false;
  std::string why;
};
std::optional<SecretKeyVerdict> judge_secret_key(const Value& key);

// Which of Django's three warnings its session-cookie checks (W010-W015) give when `flag_setting` is not True:
// only the app is installed, only the middleware, or both. nullopt when it cannot be known.
enum class SessionScope { none, app_only, middleware_only, both };
std::optional<SessionScope> session_cookie_scope(const SettingsModel& model, std::string_view flag_setting,
                                                 FindingSink* sink = nullptr);

}  // namespace deployctl::checks::rules::django
