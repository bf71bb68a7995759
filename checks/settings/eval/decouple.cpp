// python-decouple 3.6 (Debian's python3-decouple), read from its source: config('X', default=..., cast=...)
// looks at os.environ, then at a settings.ini/.env repository (AutoConfig searches upward from the calling
// file), then at the default. Unlike django-environ it casts the default too, and its bool cast raises on
// text outside y/yes/t/true/on/1 and n/no/f/false/off/0.
#include <array>

#include "checks/settings/eval/calls.hpp"
#include "checks/settings/eval/env_access.hpp"
#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/python_text.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace fs = std::filesystem;
using Kind = Value::Kind;

namespace {

constexpr std::array<std::string_view, 6> true_values = {"y", "yes", "t", "true", "on", "1"};
constexpr std::array<std::string_view, 6> false_values = {"n", "no", "f", "false", "off", "0"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& table, std::string_view name) {
  for (const std::string_view entry : table)
    if (entry == name) return true;
  return false;
}

// The settings.ini or .env file AutoConfig would read, searching from `start` up to the project dir.
std::optional<fs::path> find_repository(const Evaluation& run, fs::path start) {
  std::error_code ec;
  while (true) {
    for (const char* name : {"settings.ini", ".env"})
      if (fs::is_regular_file(start / name, ec)) return start / name;
    if (start == run.project_dir || !start.has_parent_path() || start.parent_path() == start) return std::nullopt;
    const fs::path relative = start.lexically_relative(run.project_dir);
    if (relative.empty() || *relative.begin() == "..") return std::nullopt;
    start = start.parent_path();
  }
}

// Why a variable missing from os.environ may still have a value: the repository the config object reads.
std::optional<std::string> repository_of(CallSite& site) {
  const Value* config = site.receiver.get();
  Evaluation& run = site.frame.run;
  if (config && is_object(*config, "instance", "decouple.Config")) {
    const Value* repository = attribute_entry(*config, "repository");
    if (repository && is_object(*repository, "instance", "decouple.RepositoryEmpty")) return std::nullopt;
    return "python-decouple's Config repository";
  }
  if (run.project_dir.empty()) return "python-decouple (it reads a settings.ini or .env file if one exists)";
  fs::path start = site.frame.file_path.parent_path();
  if (config)
    if (const Value* search_path = attribute_entry(*config, "search_path");
        search_path && search_path->kind == Kind::string)
      start = search_path->text;
  if (const auto found = find_repository(run, start))
    return "python-decouple (reading " + run.display_path(*found) + ")";
  return std::nullopt;
}

// shlex.shlex(value, posix=True) with whitespace=delimiter and whitespace_split=True, as Csv uses it.
std::optional<std::vector<std::string>> csv_tokens(std::string_view text, std::string_view delimiter, bool& unclosed) {
  std::vector<std::string> tokens;
  std::string token;
  bool quoted = false;
  char state = ' ';
  char escaped_from = 'a';
  const auto is_delimiter = [&](char c) { return delimiter.find(c) != std::string_view::npos; };
  const auto emit = [&] {
    if (!token.empty() || quoted) tokens.push_back(token);
    token.clear();
    quoted = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (state == ' ' || state == 'a') {
      if (is_delimiter(c)) {
        if (state == 'a') emit();
        state = ' ';
      } else if (c == '#') {  // a comment runs to the end of the line
        while (i < text.size() && text[i] != '\n') ++i;
        if (state == 'a') emit();
        state = ' ';
      } else if (c == '\'' || c == '"') {
        state = c;
      } else if (c == '\\') {
        escaped_from = 'a';
        state = '\\';
      } else {
        token += c;
        state = 'a';
      }
    } else if (state == '\'' || state == '"') {
      quoted = true;
      if (c == state)
        state = 'a';
      else if (state == '"' && c == '\\') {
        escaped_from = '"';
        state = '\\';
      } else
        token += c;
    } else {  // after a backslash
      if (escaped_from == '"' && c != '"' && c != '\\') token += '\\';
      token += c;
      state = escaped_from;
    }
  }
  if (state == '\'' || state == '"' || state == '\\') {
    unclosed = true;
    return std::nullopt;
  }
  emit();
  return tokens;
}

ValuePtr apply_cast(CallSite& site, const ValuePtr& value, const ValuePtr& cast);

ValuePtr call_csv(CallSite& site, const Value& csv, const ValuePtr& value) {
  if (value->kind != Kind::string) return unknown_value("Csv() of a value that is not a str", site.origin);
  const Value* delimiter = attribute_entry(csv, "delimiter");
  const Value* strip = attribute_entry(csv, "strip");
  if (!delimiter || delimiter->kind != Kind::string || !strip || strip->kind != Kind::string)
    return unknown_value("Csv() with options the evaluator cannot know", site.origin);
  bool unclosed = false;
  const auto tokens = csv_tokens(value->text, delimiter->text, unclosed);
  if (!tokens)
    return raise_unknown(site.frame, PyException::value_error, "Csv(): no closing quotation (ValueError)", site.origin);
  const Value* element_cast = attribute_entry(csv, "cast");
  Value items = make_object("instance", "generator", site.origin);
  for (const std::string& token : *tokens) {
    const ValuePtr stripped =
        share(Value::from_string(python_strip(token, &strip->text, StripSide::both), site.origin));
    const ValuePtr cast_value = element_cast ? apply_cast(site, stripped, share(*element_cast)) : stripped;
    items.items.push_back(*cast_value);
  }
  const Value* post = attribute_entry(csv, "post_process");
  Arguments args;
  args.positional.push_back(share(std::move(items)));
  return call_value(site.frame, post ? share(*post) : share(make_object("class", "list", site.origin)), std::move(args),
                    site.origin);
}

ValuePtr call_choices(CallSite& site, const Value& choices, const ValuePtr& value) {
  const Value* element_cast = attribute_entry(choices, "cast");
  const ValuePtr transformed = element_cast ? apply_cast(site, value, share(*element_cast)) : value;
  if (!transformed->is_known()) return transformed;
  std::vector<Value> valid;
  if (const Value* flat = attribute_entry(choices, "flat"); flat && flat->is_sequence()) valid = flat->items;
  if (const Value* pairs = attribute_entry(choices, "choices"); pairs && pairs->is_sequence())
    for (const Value& pair : pairs->items)
      if (pair.is_sequence() && !pair.items.empty()) valid.push_back(pair.items.front());
  bool unsure = false;
  for (const Value& option : valid) {
    const auto same = option.equals(*transformed);
    if (!same)
      unsure = true;
    else if (*same)
      return transformed;
  }
  if (unsure) return unknown_value("Choices() with options the evaluator cannot compare", site.origin);
  return raise_unknown(site.frame, PyException::value_error, "Choices(): value not in the list of choices (ValueError)",
                       site.origin);
}

ValuePtr cast_boolean(CallSite& site, const ValuePtr& value) {
  const auto text = to_str(*value);
  if (!text) return unknown_from(*value, site.origin, "");
  if (text->empty()) return share(Value::from_bool(false, site.origin));
  const auto lowered = ascii_lower(*text);
  if (!lowered) return unknown_value("decouple bool cast of non-ASCII text", site.origin);
  if (listed(true_values, *lowered)) return share(Value::from_bool(true, site.origin));
  if (listed(false_values, *lowered)) return share(Value::from_bool(false, site.origin));
  return raise_unknown(site.frame, PyException::value_error,
                       "config(cast=bool) raises ValueError: " + value->describe(false) +
                           " is not one of y/yes/t/true/on/1 or n/no/f/false/off/0",
                       site.origin);
}

ValuePtr apply_cast(CallSite& site, const ValuePtr& value, const ValuePtr& cast) {
  if (is_object(*cast, "class", "bool")) return cast_boolean(site, value);
  if (is_object(*cast, "instance", "decouple.Csv")) return call_csv(site, *cast, value);
  if (is_object(*cast, "instance", "decouple.Choices")) return call_choices(site, *cast, value);
  Arguments args;
  args.positional.push_back(value);
  return call_value(site.frame, cast, std::move(args), site.origin);
}

std::optional<std::string> cast_label(const ValuePtr& cast) {
  if (!cast) return std::nullopt;
  if (object_category(*cast) == "instance") {
    const std::string_view name = object_name(*cast);
    return std::string(name.substr(name.rfind('.') + 1));
  }
  const std::string_view name = object_name(*cast);
  if (!name.empty()) return std::string(name);
  return "unknown";
}

ValuePtr config_get(CallSite& site) {
  Frame& frame = site.frame;
  const ValuePtr option = site.args.get(0, "option");
  const ValuePtr fallback = site.args.get(1, "default");
  const ValuePtr cast = site.args.get(2, "cast");
  if (!option || option->kind != Kind::string)
    return unknown_value("config() of a variable name the evaluator cannot know", site.origin);
  EnvLookup lookup = lookup_env(frame, option->text);
  if (lookup.state == EnvLookup::State::unset)
    if (auto repository = repository_of(site)) {
      lookup.state = EnvLookup::State::maybe_set;
      lookup.reason = option->text + " is not set in the analysed environment, but " + *repository + " may set it";
    }
  EnvReadSpec spec{option->text, "config", fallback, cast_label(cast)};
  const auto read = record_env_read(frame, std::move(spec), lookup.state == EnvLookup::State::set, site.origin);
  ValuePtr value;
  switch (lookup.state) {
    case EnvLookup::State::set:
      value =
          lookup.value->is_known() ? env_text(lookup.value->text, read, site.origin) : with_env(*lookup.value, read);
      break;
    case EnvLookup::State::maybe_set:
      frame.may_raise(PyException::undefined_value_error);
      return maybe_set_value(lookup, read, site.origin);
    case EnvLookup::State::unset:
      if (!fallback) {
        return required_from_env(frame, read, PyException::undefined_value_error, "config('" + option->text + "')",
                                 site.origin);
      }
      value = with_env(*fallback, read);
      break;
  }
  if (!cast) return value;
  ValuePtr result = apply_cast(site, value, cast);
  Value out = *result;
  out.env = read;
  out.steps.clear();
  if (out.is_known()) {
    out.literal = false;
    out.origin = lookup.state == EnvLookup::State::set ? site.origin : value->origin;
  }
  return share(std::move(out));
}

ValuePtr new_instance(CallSite& site, std::string_view type,
                      std::initializer_list<std::pair<std::string_view, Value>> defaults,
                      std::initializer_list<std::string_view> positional_names) {
  Value instance = make_object("instance", type, site.origin);
  std::size_t index = 0;
  for (const auto& [name, fallback] : defaults) {
    ValuePtr given;
    if (index < positional_names.size())
      given = site.args.get(index, *(positional_names.begin() + index));
    else
      given = site.args.keyword(name);
    ++index;
    instance.entries.emplace_back(Value::from_string(std::string(name)), given ? *given : fallback);
  }
  return share(std::move(instance));
}

ValuePtr new_csv(CallSite& site) {
  return new_instance(site, "decouple.Csv",
                      {{"cast", make_object("class", "str", {})},
                       {"delimiter", Value::from_string(",")},
                       {"strip", Value::from_string(" \t\n\r\x0b\x0c")},
                       {"post_process", make_object("class", "list", {})}},
                      {"cast", "delimiter", "strip", "post_process"});
}

ValuePtr new_choices(CallSite& site) {
  return new_instance(
      site, "decouple.Choices",
      {{"flat", Value::list({})}, {"cast", make_object("class", "str", {})}, {"choices", Value::list({})}},
      {"flat", "cast", "choices"});
}

ValuePtr new_auto_config(CallSite& site) {
  return new_instance(site, "decouple.AutoConfig", {{"search_path", Value::none()}}, {"search_path"});
}

ValuePtr new_config(CallSite& site) {
  return new_instance(site, "decouple.Config", {{"repository", Value::unknown("a repository")}}, {"repository"});
}

ValuePtr new_repository_empty(CallSite& site) {
  return share(make_object("instance", "decouple.RepositoryEmpty", site.origin));
}
ValuePtr new_repository_file(CallSite& site) {
  return share(make_object("instance", "decouple.RepositoryEnv", site.origin));
}

ValuePtr csv_call(CallSite& site) {
  const ValuePtr value = site.args.get(0, "value");
  if (!site.receiver || !value) return unknown_value("Csv()() without a value", site.origin);
  if (!value->is_known()) return unknown_from(*value, site.origin, "Csv()");
  return call_csv(site, *site.receiver, value);
}

ValuePtr choices_call(CallSite& site) {
  const ValuePtr value = site.args.get(0, "value");
  if (!site.receiver || !value) return unknown_value("Choices()() without a value", site.origin);
  return call_choices(site, *site.receiver, value);
}

}  // namespace

void add_decouple_handlers(HandlerTable& table) {
  table.emplace("decouple.AutoConfig.__call__", &config_get);
  table.emplace("decouple.Config.__call__", &config_get);
  table.emplace("decouple.Config.get", &config_get);
  table.emplace("decouple.AutoConfig", &new_auto_config);
  table.emplace("decouple.Config", &new_config);
  table.emplace("decouple.RepositoryEmpty", &new_repository_empty);
  table.emplace("decouple.RepositoryEnv", &new_repository_file);
  table.emplace("decouple.RepositoryIni", &new_repository_file);
  table.emplace("decouple.Csv", &new_csv);
  table.emplace("decouple.Choices", &new_choices);
  table.emplace("decouple.Csv.__call__", &csv_call);
  table.emplace("decouple.Choices.__call__", &choices_call);
}

}  // namespace deployctl::checks::settings::eval
