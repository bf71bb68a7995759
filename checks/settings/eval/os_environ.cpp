// os.environ.get / os.getenv / os.environ.setdefault / os.environ.pop / os.environ.update: each read recorded,
// with Python's default semantics (the default object itself when the variable is unset).
#include "checks/settings/eval/env_access.hpp"
#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace {

using Kind = Value::Kind;

// `reader(key, default)`: the text when set, else the default as written (None when there is none).
ValuePtr read_with_default(CallSite& site, std::string_view reader, std::string_view default_name) {
  const ValuePtr key = site.args.get(0, "key");
  ValuePtr fallback = site.args.get(1, default_name);
  if (!key || key->kind != Kind::string) {
    if (key && !key->is_known()) return unknown_from(*key, site.origin, std::string(reader) + "()");
    return raise_unknown(site.frame, PyException::type_error, std::string(reader) + "() needs a str name", site.origin);
  }
  const EnvLookup lookup = lookup_env(site.frame, key->text);
  EnvReadSpec spec{key->text, std::string(reader), fallback, std::nullopt};
  const auto read = record_env_read(site.frame, std::move(spec), lookup.state == EnvLookup::State::set, site.origin);
  switch (lookup.state) {
    case EnvLookup::State::set:
      return lookup.value->is_known() ? env_text(lookup.value->text, read, site.origin) : with_env(*lookup.value, read);
    case EnvLookup::State::maybe_set: return maybe_set_value(lookup, read, site.origin);
    case EnvLookup::State::unset: break;
  }
  if (!fallback) return with_env(Value::none(site.origin), read);
  return with_env(*fallback, read);
}

ValuePtr environ_get(CallSite& site) { return read_with_default(site, "os.environ.get", "default"); }
ValuePtr getenv(CallSite& site) { return read_with_default(site, "os.getenv", "default"); }

ValuePtr environ_setdefault(CallSite& site) {
  const ValuePtr key = site.args.get(0, "key");
  const ValuePtr fallback = site.args.get(1, "value");
  if (!key || key->kind != Kind::string)
    return unknown_value("os.environ.setdefault() with an unknown name", site.origin);
  const EnvLookup lookup = lookup_env(site.frame, key->text);
  EnvReadSpec spec{key->text, "os.environ.setdefault", fallback, std::nullopt};
  const auto read = record_env_read(site.frame, std::move(spec), lookup.state == EnvLookup::State::set, site.origin);
  if (lookup.state == EnvLookup::State::set)
    return lookup.value->is_known() ? env_text(lookup.value->text, read, site.origin) : with_env(*lookup.value, read);
  if (lookup.state == EnvLookup::State::maybe_set) {
    write_env(site.frame, key->text, unknown_value(lookup.reason, site.origin));
    return maybe_set_value(lookup, read, site.origin);
  }
  if (!fallback || fallback->kind != Kind::string) {
    // os.environ only takes str values: setdefault('X') or a non-str default raises TypeError.
    return raise_unknown(site.frame, PyException::type_error, "os.environ.setdefault() needs a str value (TypeError)",
                         site.origin);
  }
  write_env(site.frame, key->text, fallback);
  return with_env(*fallback, read);
}

ValuePtr environ_pop(CallSite& site) {
  ValuePtr value = read_with_default(site, "os.environ.pop", "default");
  if (const ValuePtr key = site.args.get(0, "key"); key && key->kind == Kind::string) delete_env(site.frame, key->text);
  return value;
}

ValuePtr environ_update(CallSite& site) {
  const ValuePtr mapping = site.args.get(0, "");
  if (mapping && mapping->kind == Kind::dict) {
    for (const auto& [key, value] : mapping->entries)
      if (key.kind == Kind::string) write_env(site.frame, key.text, share(value));
  }
  for (const auto& [name, value] : site.args.keywords) write_env(site.frame, name, value);
  return share(Value::none(site.origin));
}

}  // namespace

void add_os_environ_handlers(HandlerTable& table) {
  table.emplace("os.environ.get", &environ_get);
  table.emplace("os.getenv", &getenv);
  table.emplace("os.environ.setdefault", &environ_setdefault);
  table.emplace("os.environ.pop", &environ_pop);
  table.emplace("os.environ.update", &environ_update);
}

}  // namespace deployctl::checks::settings::eval
