// Shared vocabulary of deployctl's own rules: how a value came from the environment, and how to talk about
// secrets without printing them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "checks/settings/value.hpp"

namespace deployctl::checks::rules::own {

// Length as Python's len() counts it (code points), so that quoted lengths match what Django measures.
std::size_t python_length(std::string_view utf8);

// "a 17-character literal", "an 8-character string": how messages mention a secret without showing it.
std::string sized(std::string_view text, std::string_view noun);

// Why Django's W009 would reject `key` as SECRET_KEY ("shorter than 50 characters", ...), or nullopt.
std::optional<std::string> secret_key_weakness(std::string_view key);

// The env read behind `value` when its variable is unset in the analysed environment, so that the value is
// (derived from) the default written in the settings; null otherwise.
const settings::EnvRead* unset_env_read(const settings::Value& value);

// Whether `value` is an environment variable's raw text (or bool() of it) whenever the variable is set:
// read without a cast by a reader that returns strings, and never compared or converted afterwards.
// Such a value is true for every non-empty text, "False" and "0" included.
bool is_raw_env_string(const settings::Value& value);

// `reader('VARIABLE')` for messages, e.g. "os.environ.get('DJANGO_DEBUG')".
std::string describe_read(const settings::EnvRead& read);

// Whether the value (or the default it fell back to) is made by a random generator at import time, e.g.
// get_random_secret_key(); gives the generator's short name, or nullopt.
std::optional<std::string> random_producer(const settings::Value& value);

// A known non-empty string written in the settings, not computed from anything the evaluator could not see.
bool is_literal_text(const settings::Value& value);

}  // namespace deployctl::checks::rules::own
