// Reading environment variables as the settings would: the analysed Environment, the settings' own writes to
// os.environ, and .env loaders whose effect is unknown. Every read is recorded in SettingsModel::env_reads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "checks/settings/eval/frame.hpp"

namespace deployctl::checks::settings::eval {

struct EnvLookup {
  enum class State { set, unset, maybe_set } state = State::unset;
  ValuePtr value;      // State::set: the text as a string value (unknown when written by unknown code)
  std::string reason;  // State::maybe_set: why the value cannot be known
};
EnvLookup lookup_env(Frame& frame, std::string_view variable);

struct EnvReadSpec {
  std::string variable;
  std::string reader;
  ValuePtr default_value;  // null: no default written
  std::optional<std::string> cast;
};
// Records the read (in evaluation order) and gives the provenance to attach to the resulting value.
std::shared_ptr<const EnvRead> record_env_read(Frame& frame, EnvReadSpec spec, bool is_set, const Origin& where);

// The variable's text as read: a string value with provenance, origin `where`, not literal.
ValuePtr env_text(const std::string& text, const std::shared_ptr<const EnvRead>& read, const Origin& where);
// `value` (a default, or a value computed from the read) with the read's provenance attached.
ValuePtr with_env(const Value& value, const std::shared_ptr<const EnvRead>& read);
// A read with no default of a variable that is not set: raises `type` and gives the unknown value of a
// variable the settings require from the environment. `what` names the read, e.g. "os.environ['X']".
ValuePtr required_from_env(Frame& frame, const std::shared_ptr<const EnvRead>& read, PyException type,
                           const std::string& what, const Origin& where);
// The unknown value of a variable that a .env loader may have set.
ValuePtr maybe_set_value(const EnvLookup& lookup, const std::shared_ptr<const EnvRead>& read, const Origin& where);

// os.environ writes made by the settings.
void write_env(Frame& frame, const std::string& variable, ValuePtr value);
void delete_env(Frame& frame, const std::string& variable);
// A .env loader ran: from now on unset variables may have values from `description`.
void note_dotenv_loader(Frame& frame, std::string description);

// `os.environ[key]`, `key in os.environ` (reads), `os.environ[key] = v`.
ValuePtr read_environ_item(Frame& frame, const ValuePtr& key, const Origin& origin);
ValuePtr environ_contains(Frame& frame, const ValuePtr& key, const Origin& origin);

}  // namespace deployctl::checks::settings::eval
