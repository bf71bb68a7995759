// Environment lookups shared by os.environ, django-environ, python-decouple and dj-database-url: the
// analysed Environment, then the settings' own os.environ writes, then .env loaders whose effect is unknown.
#include "checks/settings/eval/env_access.hpp"

#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

using Kind = Value::Kind;

EnvLookup lookup_env(Frame& frame, std::string_view variable) {
  EnvLookup lookup;
  Evaluation& run = frame.run;
  if (const auto it = run.env_overrides.find(variable); it != run.env_overrides.end()) {
    if (!it->second.value) return lookup;  // deleted by the settings
    lookup.state = EnvLookup::State::set;
    lookup.value = it->second.value;
    return lookup;
  }
  const std::string* text = run.environment.get(variable);
  if (text && !run.dotenv_overrides) {
    lookup.state = EnvLookup::State::set;
    lookup.value = share(Value::from_string(*text));
    return lookup;
  }
  if (!run.dotenv_loader.empty()) {
    lookup.state = EnvLookup::State::maybe_set;
    lookup.reason = std::string(variable) + (text ? " is set, but " : " is not set in the analysed environment, but ") +
                    run.dotenv_loader + " may set it";
  }
  return lookup;
}

std::shared_ptr<const EnvRead> record_env_read(Frame& frame, EnvReadSpec spec, bool is_set, const Origin& where) {
  EnvRead read;
  read.variable = std::move(spec.variable);
  read.reader = std::move(spec.reader);
  read.is_set = is_set;
  read.default_value = std::move(spec.default_value);
  read.cast = std::move(spec.cast);
  read.where = where;
  frame.run.model.env_reads.push_back(read);
  return std::make_shared<const EnvRead>(std::move(read));
}

ValuePtr env_text(const std::string& text, const std::shared_ptr<const EnvRead>& read, const Origin& where) {
  Value value = Value::from_string(text, where);
  value.env = read;
  return share(std::move(value));
}

ValuePtr with_env(const Value& value, const std::shared_ptr<const EnvRead>& read) {
  Value copy = value;
  copy.env = read;
  copy.steps.clear();
  return share(std::move(copy));
}

ValuePtr required_from_env(Frame& frame, const std::shared_ptr<const EnvRead>& read, PyException type,
                           const std::string& what, const Origin& where) {
  frame.raise(type);
  const std::string raises = what + " at " + where.file + ":" + std::to_string(where.position.line) + " raises " +
                             std::string(exception_name(type));
  auto required = std::make_shared<EnvRead>(*read);
  required->required_by = raises + " without it";
  Value value = Value::unknown("required from the environment: " + read->variable +
                                   " is not set in the analysed environment, and " + raises + " without it",
                               where);
  value.env = std::move(required);
  return share(std::move(value));
}

ValuePtr maybe_set_value(const EnvLookup& lookup, const std::shared_ptr<const EnvRead>& read, const Origin& where) {
  Value value = Value::unknown(lookup.reason, where);
  value.env = read;
  return share(std::move(value));
}

void write_env(Frame& frame, const std::string& variable, ValuePtr value) {
  if (frame.uncertainty > 0 || value->kind != Kind::string) {
    // Written on some paths only, or a value os.environ would refuse: what a later read sees is unknown.
    value = unknown_value("os.environ['" + variable + "'] is set by the settings on some paths only", value->origin);
  }
  frame.run.env_overrides[variable] = EnvOverride{std::move(value)};
}

void delete_env(Frame& frame, const std::string& variable) {
  if (frame.uncertainty > 0) {
    frame.run.env_overrides[variable] =
        EnvOverride{unknown_value("os.environ['" + variable + "'] is deleted by the settings on some paths", {})};
    return;
  }
  frame.run.env_overrides[variable] = EnvOverride{nullptr};
}

void note_dotenv_loader(Frame& frame, std::string description) {
  if (frame.run.dotenv_loader.empty()) frame.run.dotenv_loader = std::move(description);
}

ValuePtr read_environ_item(Frame& frame, const ValuePtr& key, const Origin& origin) {
  if (key->kind != Kind::string) {
    if (key->is_known())
      return raise_unknown(frame, PyException::type_error, "os.environ keys are strings (TypeError)", origin);
    return unknown_from(*key, origin, "os.environ[]");
  }
  const EnvLookup lookup = lookup_env(frame, key->text);
  EnvReadSpec spec{key->text, "os.environ[]", nullptr, std::nullopt};
  const auto read = record_env_read(frame, std::move(spec), lookup.state == EnvLookup::State::set, origin);
  switch (lookup.state) {
    case EnvLookup::State::set:
      return lookup.value->is_known() ? env_text(lookup.value->text, read, origin) : with_env(*lookup.value, read);
    case EnvLookup::State::maybe_set:
      frame.may_raise(PyException::key_error);
      return maybe_set_value(lookup, read, origin);
    case EnvLookup::State::unset: break;
  }
  return required_from_env(frame, read, PyException::key_error, "os.environ['" + key->text + "']", origin);
}

ValuePtr environ_contains(Frame& frame, const ValuePtr& key, const Origin& origin) {
  if (key->kind != Kind::string) return unknown_from(*key, origin, "in os.environ");
  const EnvLookup lookup = lookup_env(frame, key->text);
  EnvReadSpec spec{key->text, "in os.environ", nullptr, std::nullopt};
  const auto read = record_env_read(frame, std::move(spec), lookup.state == EnvLookup::State::set, origin);
  if (lookup.state == EnvLookup::State::maybe_set) return maybe_set_value(lookup, read, origin);
  Value value = Value::from_bool(lookup.state == EnvLookup::State::set, origin);
  value.env = read;
  return share(std::move(value));
}

}  // namespace deployctl::checks::settings::eval
