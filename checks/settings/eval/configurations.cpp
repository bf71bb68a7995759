// django-configurations: settings written as attributes of Configuration subclasses, the class chosen by
// DJANGO_CONFIGURATION, and its values.* that read DJANGO_<NAME> from the environment when the class is set up.
#include "checks/settings/eval/configurations.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "checks/settings/eval/env_access.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/merge.hpp"
#include "checks/settings/eval/project_code.hpp"
#include "checks/settings/eval/python_text.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace {

using Kind = Value::Kind;

constexpr std::string_view values_module = "configurations.values.";

// The value classes whose to_python deployctl models; the others give an unknown value when the variable is set.
constexpr std::array<std::string_view, 26> value_classes = {"Value",
                                                            "BooleanValue",
                                                            "IntegerValue",
                                                            "PositiveIntegerValue",
                                                            "FloatValue",
                                                            "DecimalValue",
                                                            "ListValue",
                                                            "TupleValue",
                                                            "SingleNestedListValue",
                                                            "SingleNestedTupleValue",
                                                            "SetValue",
                                                            "DictValue",
                                                            "EmailValue",
                                                            "URLValue",
                                                            "IPValue",
                                                            "RegexValue",
                                                            "PathValue",
                                                            "SecretValue",
                                                            "EmailURLValue",
                                                            "DatabaseURLValue",
                                                            "CacheURLValue",
                                                            "SearchURLValue",
                                                            "BackendsValue",
                                                            "StringValue",
                                                            "UUIDValue",
                                                            "JSONValue"};

// configurations/values.py: BooleanValue's true_values and false_values.
constexpr std::array<std::string_view, 4> true_values = {"yes", "y", "true", "1"};
constexpr std::array<std::string_view, 5> false_values = {"no", "n", "false", "0", ""};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& table, std::string_view name) {
  return std::find(table.begin(), table.end(), name) != table.end();
}

ValuePtr resolve_value(Frame& frame, const Value& value, const std::string& name);

// `values.BooleanValue(True, environ_prefix=None)`: remembered as an instance holding its arguments; what it
// gives is known only once the class is set up and the attribute's name is known. Except as Value.__new__ does:
// with environ_name given (or environ=False and a default), and no late_binding, the call returns the final value
// at once, wherever it is written (a logger's level inside LOGGING, say).
ValuePtr new_value(CallSite& site) {
  Value out = make_object("instance", site.qualname, site.origin);
  if (const ValuePtr fallback = site.args.get(0, "default"))
    out.entries.emplace_back(Value::from_string("default"), *fallback);
  for (const std::string_view option : {"environ", "environ_name", "environ_prefix", "environ_required"})
    if (const ValuePtr given = site.args.keyword(option))
      out.entries.emplace_back(Value::from_string(std::string(option)), *given);
  if (site.args.keyword("late_binding")) return share(std::move(out));
  const Value* environ = attribute_entry(out, "environ");
  const bool from_environment = environ == nullptr || environ->truthy() != false;
  const Value* named = attribute_entry(out, "environ_name");
  const Value* fallback = attribute_entry(out, "default");
  if ((from_environment && named && named->is_string()) ||
      (!from_environment && fallback && fallback->truthy() == true))
    return resolve_value(site.frame, out, "");
  return share(std::move(out));
}

bool is_value_object(const Value& value) {
  return object_category(value) == "instance" && object_name(value).starts_with(values_module);
}

// The environment variable a value reads for attribute `name`; nullopt when it reads none (environ=False).
std::optional<std::string> variable_of(const Value& value, const std::string& name) {
  if (const Value* environ = attribute_entry(value, "environ"); environ && environ->truthy() == false)
    return std::nullopt;
  if (const Value* given = attribute_entry(value, "environ_name"); given && given->is_string()) return given->text;
  std::string prefix = "DJANGO";
  if (const Value* given = attribute_entry(value, "environ_prefix")) prefix = given->is_string() ? given->text : "";
  const std::string upper = ascii_upper(name).value_or(name);
  return prefix.empty() ? upper : prefix + "_" + upper;
}

// to_python of the value's class for the variable's text.
ValuePtr to_python(const std::string& type, const std::string& text, const std::shared_ptr<const EnvRead>& read,
                   const Origin& where) {
  const auto with = [&](Value value) {
    value.env = read;
    value.origin = where;
    return share(std::move(value));
  };
  if (type == "BooleanValue") {
    const std::string lowered = ascii_lower(text).value_or(text);
    if (listed(true_values, lowered)) return with(Value::from_bool(true));
    if (listed(false_values, lowered)) return with(Value::from_bool(false));
    Value out = Value::unknown("values.BooleanValue raises ValueError: " + read->variable + " is not a boolean", where);
    out.env = read;
    return share(std::move(out));
  }
  if (type == "IntegerValue" || type == "PositiveIntegerValue") {
    const ParsedInt parsed = python_int_from_text(text);
    if (parsed.status == ParsedInt::Status::ok) return with(Value::from_int(parsed.value));
  }
  if (type == "ListValue" || type == "TupleValue" || type == "SetValue") {
    std::vector<Value> items;
    for (std::size_t start = 0; start <= text.size();) {
      std::size_t comma = text.find(',', start);
      if (comma == std::string::npos) comma = text.size();
      std::string item = text.substr(start, comma - start);
      item.erase(0, item.find_first_not_of(" \t\n\r\f\v"));
      item.erase(item.find_last_not_of(" \t\n\r\f\v") + 1);
      if (!item.empty()) items.push_back(Value::from_string(std::move(item)));
      start = comma + 1;
    }
    return with(type == "ListValue" ? Value::list(std::move(items)) : Value::tuple(std::move(items)));
  }
  if (type == "Value" || type == "StringValue" || type == "SecretValue" || type == "PathValue" ||
      type == "EmailValue" || type == "URLValue" || type == "IPValue")
    return with(Value::from_string(text));
  Value out =
      Value::unknown("values." + type + "'s conversion of " + read->variable + " is not modelled by deployctl", where);
  out.env = read;
  return share(std::move(out));
}

// What a values.* attribute named `name` gives once the class is set up.
ValuePtr resolve_value(Frame& frame, const Value& value, const std::string& name) {
  const std::string type(object_name(value).substr(values_module.size()));
  const Value* fallback = attribute_entry(value, "default");
  const auto variable = variable_of(value, name);
  if (!variable) return share(fallback ? *fallback : Value::none(value.origin));
  const EnvLookup lookup = lookup_env(frame, *variable);
  EnvReadSpec spec{*variable, "configurations.values." + type, fallback ? share(*fallback) : nullptr, std::nullopt};
  const auto read = record_env_read(frame, std::move(spec), lookup.state == EnvLookup::State::set, value.origin);
  switch (lookup.state) {
    case EnvLookup::State::set:
      if (!lookup.value->is_known()) return with_env(*lookup.value, read);
      return to_python(type, lookup.value->text, read, value.origin);
    case EnvLookup::State::maybe_set: return maybe_set_value(lookup, read, value.origin);
    case EnvLookup::State::unset: break;
  }
  const Value* required = attribute_entry(value, "environ_required");
  if (type == "SecretValue" || (required && required->truthy() == true))
    return required_from_env(frame, read, PyException::improperly_configured, "values." + type, value.origin);
  return with_env(fallback ? *fallback : Value::none(value.origin), read);
}

// The settings a configuration class gives: its upper-case attributes, values.* resolved.
Bindings class_settings(Frame& frame, const ProjectDefinition& cls) {
  Bindings out;
  for (const auto& [name, value] : cls.attributes) {
    if (!value || !is_setting_name(name)) continue;
    out.emplace(name, is_value_object(*value) ? resolve_value(frame, *value, name) : value);
  }
  return out;
}

}  // namespace

void add_configurations_handlers(HandlerTable& table) {
  for (const std::string_view type : value_classes)
    table.emplace(std::string(values_module) + std::string(type), &new_value);
}

bool is_configuration_base(const Value& base) {
  const std::string_view name = base.kind == Kind::object ? object_name(base) : std::string_view(base.text);
  return name == "configurations.Configuration" || name == "configurations.base.Configuration";
}

void apply_configuration(Evaluation& run, LoadedModule& module) {
  Frame frame(run, module, module.file, module.path, &module.scope);
  std::vector<const ProjectDefinition*> classes;
  for (const auto& [name, value] : module.scope.flatten())
    if (const ProjectDefinition* definition = project_definition(frame, *value);
        definition && definition->cls && definition->configuration && definition->cls->name == name)
      classes.push_back(definition);
  if (classes.empty()) return;

  const EnvLookup lookup = lookup_env(frame, "DJANGO_CONFIGURATION");
  (void)record_env_read(frame, EnvReadSpec{"DJANGO_CONFIGURATION", "django-configurations", nullptr, std::nullopt},
                        lookup.state == EnvLookup::State::set, Origin{module.file, {}});
  if (lookup.state == EnvLookup::State::set && lookup.value->is_string()) {
    const auto chosen = std::find_if(classes.begin(), classes.end(), [&](const ProjectDefinition* cls) {
      return cls->cls->name == lookup.value->text;
    });
    if (chosen != classes.end()) {
      module.scope.apply(class_settings(frame, **chosen));
      return;
    }
  }
  if (classes.size() == 1 && lookup.state != EnvLookup::State::set) {
    module.scope.apply(class_settings(frame, *classes.front()));
    return;
  }
  // The class is not known: each setting is one of the values the classes give it.
  std::string names;
  for (const ProjectDefinition* cls : classes) names += (names.empty() ? "" : ", ") + cls->cls->name;
  const std::string why =
      lookup.state == EnvLookup::State::set
          ? "DJANGO_CONFIGURATION names no configuration class of " + module.file + " (" + names + ")"
          : "depends on DJANGO_CONFIGURATION, which is not set: one of the classes " + names;
  std::vector<Bindings> per_class;
  for (const ProjectDefinition* cls : classes) per_class.push_back(class_settings(frame, *cls));
  std::set<std::string> all;
  for (const Bindings& settings : per_class)
    for (const auto& [name, unused] : settings) all.insert(name);
  Bindings merged;
  for (const std::string& name : all) {
    std::vector<ValuePtr> candidates;
    for (const Bindings& settings : per_class) {
      if (const auto it = settings.find(name); it != settings.end())
        candidates.push_back(it->second);
      else if (ValuePtr module_value = module.scope.find(name))
        candidates.push_back(module_value);
      else
        candidates.push_back(unknown_value(name + " is not set by every configuration class", Origin{module.file, {}}));
    }
    merged.emplace(name, merge_values(candidates, why));
  }
  module.scope.apply(merged);
}

}  // namespace deployctl::checks::settings::eval
