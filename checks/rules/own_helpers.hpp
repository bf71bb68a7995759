// Shared vocabulary of deployctl's own rules: how a value came from the environment, and how to talk about
// secrets without printing them.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "checks/findings/secret_text.hpp"
#include "checks/rules/rule.hpp"
#include "checks/settings/settings_model.hpp"
#include "checks/settings/value.hpp"

namespace deployctl::checks::rules::own {

// The secret vocabulary every layer shares (checks/findings/secret_text.hpp), under the rules' names.
using checks::is_secret_name;
using checks::python_length;
using checks::sized;
using checks::url_credentials;
using checks::UrlCredentials;

// Whether a rule can look at setting `name`: its value, or Django's default when the settings never assign it, is
// known. When it is not (computed by code the analysis does not follow, or maybe bound by a construct it cannot see),
// the blind spot is recorded on `sink` for DPL005 and false returned. A value derived from an environment read
// counts as seen: the own rules judge the read itself (its default, its cast).
bool known_or_blind(const settings::SettingsModel& model, std::string_view name, FindingSink& sink);

// Whether an unknown value is certainly no string: it is one of False and True (bool() of something unknown).
// False for a known value: look at it instead.
// When the settings module binds every name deployctl can see, a path that leaves the setting unset gives Django's
// default, a boolean for the settings the TYPE rules look at: one boolean and such paths are enough.
bool never_a_string(const settings::SettingsModel& model, const settings::Value& value);

// Why Django's W009 would reject `key` as SECRET_KEY ("shorter than 50 characters", ...), or nullopt.
std::optional<std::string> secret_key_weakness(std::string_view key);

// The env read behind `value` when its variable is unset in the analysed environment, so that the value is
// (derived from) the default written in the settings; null otherwise.
const settings::EnvRead* unset_env_read(const settings::Value& value);

// The env read `value` came from: its own, or else the first of its items' (a list split from one variable).
const settings::EnvRead* env_source(const settings::Value& value);

// Whether `value` is an environment variable's raw text (or bool() of it) whenever the variable is set:
// read without a cast by a reader that returns strings, and never compared or converted afterwards.
// Such a value is true for every non-empty text, "False" and "0" included.
bool is_raw_env_string(const settings::Value& value);

// Whether the read parses a database URL (env.db, env.db_url, dj_database_url.config, cast=db_url).
bool is_database_url_read(const settings::EnvRead& read);

// `reader('VARIABLE')` for messages, e.g. "os.environ.get('DJANGO_DEBUG')".
std::string describe_read(const settings::EnvRead& read);

// Whether the value (or the default it fell back to) is made by a random generator at import time, e.g.
// get_random_secret_key(); gives the generator's short name, or nullopt.
std::optional<std::string> random_producer(const settings::Value& value);

// A known non-empty string written in the settings, not computed from anything the evaluator could not see.
bool is_literal_text(const settings::Value& value);

// Settings Django (or django-cors-headers) reads as booleans and whose wrong value weakens security or breaks
// the site; the TYPE rules look for strings in them.
std::span<const std::string_view> boolean_settings();

// Whether a string reads as "off" to a person ('False', '0', 'no', 'off', ...) while Python takes it as True.
bool reads_as_false(std::string_view text);

// django-cors-headers' allow-all switch when it is on and the package is (or may be) in use: the value of
// CORS_ALLOW_ALL_ORIGINS, else of its old name CORS_ORIGIN_ALLOW_ALL; null otherwise. `name` gets the setting's name.
// A switch the analysis cannot know, in a project that may use the package, is recorded on `sink` as a blind spot.
const settings::Value* cors_allow_all(const settings::SettingsModel& model, std::string& name, FindingSink& sink);

// Whether the environment read `value` carries is only the condition of an `if` that chose it (`if
// os.environ.get('CONF'): return import_module(...)`), not the value's source: nothing the rules could judge.
bool env_only_chose(const settings::Value& value);

// Whether `value` was chosen by a condition on the variable DEBUG is read from while that variable is unset and
// DEBUG therefore on (`'dev-key' if DEBUG else os.environ['KEY']`): a development value. A deploy runs with DEBUG
// off and takes the other branch; DEBUG's own default is DBG001's and DJ018's finding.
bool debug_only(const settings::SettingsModel& model, const settings::Value& value);

// Whether `value` is None read from an unset variable (os.environ.get('X') without default, values.ListValue(None)):
// no value the settings offer, which Django cannot run with (an empty SECRET_KEY refuses to start, a None
// ALLOWED_HOSTS cannot be iterated), so a deploy must set the variable: it is required in effect.
bool none_from_unset_variable(const settings::Value& value);

// " (the default of os.getenv('X'), used while it is unset)" for a value that fell back to its default, else "".
std::string default_note(const settings::Value& value);

// A credential written in the settings: the text a value has, or falls back to when the deployment sets no
// variable, judged by the repository scan's decision table (checks/git/secret_weight.hpp) so that placeholders,
// empty strings, test and development values and URLs to local services are no credential here either.
struct WrittenCredential {
  std::string what;                                // "a 12-character literal", "a URL with a 9-character password"
  const settings::EnvRead* fallback_of = nullptr;  // the read whose default it is; null when the value itself
  settings::Origin where;                          // where it is written
};

// The credential behind `value`: a URL's password, or the whole text when `whole_is_secret` (the value of a
// PASSWORD-like name). Nothing for a value the deployment gives (a variable that is set, or read without a
// default), a default the settings never let reach Django (required_by), or no live credential.
std::optional<WrittenCredential> written_credential(const settings::Value& value, bool whole_is_secret);

// "is a 12-character literal written in the settings" or "falls back to ... written in the settings when
// REDIS_URL is unset (os.environ.get('REDIS_URL'))": the middle of a message about `credential`.
std::string written_where(const WrittenCredential& credential);

}  // namespace deployctl::checks::rules::own
