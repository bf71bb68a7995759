// Smaller library functions: Django's random secret generators (unknown, with their producer named),
// json.loads, and python-dotenv's loaders (a file they read may set any variable; one that is not there, none).
#include <filesystem>

#include <nlohmann/json.hpp>

#include "checks/settings/eval/calls.hpp"
#include "checks/settings/eval/env_access.hpp"
#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/paths.hpp"
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

namespace fs = std::filesystem;

// The file python-dotenv's find_dotenv() finds: `filename` in the calling file's directory or the nearest parent,
// searched up to the project dir (what lies above the checkout is the deploy's, like its environment). Nullopt
// when the search cannot be done here (no known project); an empty path when there is no such file.
std::optional<fs::path> find_dotenv_file(const Frame& frame, const std::string& filename) {
  if (frame.run.project_dir.empty() || frame.file_path.empty()) return std::nullopt;
  std::error_code ec;
  for (fs::path dir = frame.file_path.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / filename, ec)) return dir / filename;
    if (dir == frame.run.project_dir || dir == dir.parent_path() ||
        !dir.string().starts_with(frame.run.project_dir.string()))
      break;
  }
  return fs::path();
}

// find_dotenv(filename='.env', raise_error_if_not_found=False, usecwd=False): the path found, or '' when none.
ValuePtr find_dotenv(CallSite& site) {
  const ValuePtr filename = site.args.get(0, "filename");
  const ValuePtr usecwd = site.args.get(2, "usecwd");
  const ValuePtr raises = site.args.get(1, "raise_error_if_not_found");
  if ((filename && filename->kind != Kind::string) || (usecwd && usecwd->truthy() != false))
    return unknown_value("the file " + site.qualname + "() finds (searched from the working directory)", site.origin);
  const auto found = find_dotenv_file(site.frame, filename ? filename->text : ".env");
  if (!found || (found->empty() && raises && raises->truthy() != false))
    return unknown_value("the file " + site.qualname + "() finds", site.origin);
  return share(Value::from_string(found->string(), site.origin));
}

// load_dotenv(dotenv_path=None, stream=None, ...): the variables of the file it reads may be set from here on.
// Without a path it reads what find_dotenv() finds; a file that is not there sets nothing.
ValuePtr load_dotenv(CallSite& site) {
  Frame& frame = site.frame;
  const ValuePtr path = site.args.get(0, site.qualname.ends_with("read_dotenv") ? "dotenv" : "dotenv_path");
  std::optional<fs::path> file;
  std::error_code ec;
  if (site.args.keyword("stream") || site.args.unexpanded) {
    file = std::nullopt;
  } else if (!path || path->kind == Kind::none) {
    file = find_dotenv_file(frame, ".env");
  } else if (const auto text = path_text(*path)) {
    if (text->empty())
      file = fs::path();  // load_dotenv('') reads nothing
    else if (text->starts_with('/') && !frame.run.project_dir.empty())
      file = fs::is_regular_file(*text, ec) ? fs::path(*text) : fs::path();
  }
  if (file && file->empty()) return share(Value::from_bool(false, site.origin));  // nothing was loaded
  note_dotenv_loader(frame, site.qualname + "()" + (file ? " (reading " + frame.run.display_path(*file) + ")" : ""));
  if (const ValuePtr override_flag = site.args.keyword("override"); override_flag && override_flag->truthy() != false)
    frame.run.dotenv_overrides = true;
  return unknown_value("whether " + site.qualname + "() found a file", site.origin);
}

}  // namespace

void add_misc_library_handlers(HandlerTable& table) {
  table.emplace("django.core.management.utils.get_random_secret_key", &random_value);
  table.emplace("django.utils.crypto.get_random_string", &random_value);
  table.emplace("json.loads", &json_loads);
  table.emplace("dotenv.load_dotenv", &load_dotenv);
  table.emplace("dotenv.read_dotenv", &load_dotenv);
  table.emplace("dotenv.main.load_dotenv", &load_dotenv);
  table.emplace("dotenv.find_dotenv", &find_dotenv);
  table.emplace("dotenv.main.find_dotenv", &find_dotenv);
}

}  // namespace deployctl::checks::settings::eval
