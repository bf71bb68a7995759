// Smaller library functions: Django's random secret generators (unknown, with their producer named),
// json.loads, and python-dotenv's loaders (whose effect on the environment is unknown).
#include <nlohmann/json.hpp>

#include "checks/settings/eval/calls.hpp"
#include "checks/settings/eval/env_access.hpp"
#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

using Kind = Value::Kind;

namespace {

ValuePtr random_value(CallSite& site) {
  Value out = Value::unknown("a random value generated each time the settings are imported", site.origin);
  out.producer = site.qualname;
  return share(std::move(out));
}

std::optional<Value> from_json(const nlohmann::ordered_json& json, const Origin& origin, int depth) {
  if (depth > max_value_nesting) return std::nullopt;
  switch (json.type()) {
    case nlohmann::ordered_json::value_t::null: return Value::none(origin);
    case nlohmann::ordered_json::value_t::boolean: return Value::from_bool(json.get<bool>(), origin);
    case nlohmann::ordered_json::value_t::number_integer: return Value::from_int(json.get<std::int64_t>(), origin);
    case nlohmann::ordered_json::value_t::number_unsigned: {
      const auto value = json.get<std::uint64_t>();
      if (value > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
      return Value::from_int(static_cast<std::int64_t>(value), origin);
    }
    case nlohmann::ordered_json::value_t::number_float: return Value::from_float(json.get<double>(), origin);
    case nlohmann::ordered_json::value_t::string: return Value::from_string(json.get<std::string>(), origin);
    case nlohmann::ordered_json::value_t::array: {
      Value list = Value::list({}, origin);
      for (const auto& item : json) {
        auto converted = from_json(item, origin, depth + 1);
        if (!converted) return std::nullopt;
        list.items.push_back(std::move(*converted));
      }
      return list;
    }
    case nlohmann::ordered_json::value_t::object: {
      Value dict = Value::dict({}, origin);
      for (const auto& [key, item] : json.items()) {
        auto converted = from_json(item, origin, depth + 1);
        if (!converted) return std::nullopt;
        dict.entries.emplace_back(Value::from_string(key, origin), std::move(*converted));
      }
      return dict;
    }
    default: return std::nullopt;
  }
}

ValuePtr json_loads(CallSite& site) {
  const ValuePtr text = site.args.get(0, "s");
  if (!text || text->kind != Kind::string) {
    if (text) return unknown_from(*text, site.origin, "json.loads()");
    return unknown_value("json.loads() without text", site.origin);
  }
  // Python also accepts NaN and Infinity, which nlohmann refuses: a parse failure is unknown, not an error.
  auto json = nlohmann::ordered_json::parse(text->text, nullptr, false);
  if (json.is_discarded()) return unknown_from(*text, site.origin, "json.loads()");
  auto converted = from_json(json, site.origin, 0);
  if (!converted) return unknown_value("json.loads() of a document beyond deployctl's limits", site.origin);
  carry_env(*converted, *text, "json.loads()");
  return finish(site.frame, std::move(*converted));
}

ValuePtr load_dotenv(CallSite& site) {
  note_dotenv_loader(site.frame, site.qualname + "()");
  if (const ValuePtr override_flag = site.args.keyword("override"); override_flag && override_flag->truthy() != false)
    site.frame.run.dotenv_overrides = true;
  Value out = Value::unknown("whether " + site.qualname + "() found a file", site.origin);
  return share(std::move(out));
}

}  // namespace

void add_misc_library_handlers(HandlerTable& table) {
  table.emplace("django.core.management.utils.get_random_secret_key", &random_value);
  table.emplace("django.utils.crypto.get_random_string", &random_value);
  table.emplace("json.loads", &json_loads);
  table.emplace("dotenv.load_dotenv", &load_dotenv);
  table.emplace("dotenv.read_dotenv", &load_dotenv);
  table.emplace("dotenv.main.load_dotenv", &load_dotenv);
}

}  // namespace deployctl::checks::settings::eval
