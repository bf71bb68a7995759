// Replays, without running it, what logging.config.dictConfig checks in a LOGGING dict (CPython 3.11
// DictConfigurator.configure and its helpers), so that a LOGGING Django would reject is reported before deploy.
#include "checks/rules/logging_config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>

#include "checks/rules/own_helpers.hpp"

namespace deployctl::checks::rules::logging_config {

namespace {

using settings::Value;
using Kind = settings::Value::Kind;

// logging._nameToLevel: _checkLevel accepts exactly these (case-sensitive) or an int.
constexpr std::array<std::string_view, 8> level_names = {"CRITICAL", "FATAL", "ERROR", "WARN",
                                                         "WARNING",  "INFO",  "DEBUG", "NOTSET"};
// The Handler classes the `logging` module itself has; every other *Handler lives in logging.handlers.
constexpr std::array<std::string_view, 5> logging_module_handlers = {"Handler", "StreamHandler", "FileHandler",
                                                                     "NullHandler", "_StderrHandler"};
// Everything logging.handlers defines that a 'class' could name (3.11).
constexpr std::array<std::string_view, 15> logging_handlers_module_classes = {"BaseRotatingHandler",
                                                                              "BufferingHandler",
                                                                              "DatagramHandler",
                                                                              "HTTPHandler",
                                                                              "MemoryHandler",
                                                                              "NTEventLogHandler",
                                                                              "QueueHandler",
                                                                              "QueueListener",
                                                                              "RotatingFileHandler",
                                                                              "SMTPHandler",
                                                                              "SocketHandler",
                                                                              "SysLogHandler",
                                                                              "TimedRotatingFileHandler",
                                                                              "WatchedFileHandler",
                                                                              "BufferingFormatter"};
// Handlers whose `filename` is opened relative to the process's working directory.
constexpr std::array<std::string_view, 4> file_handler_classes = {
    "logging.FileHandler", "logging.handlers.RotatingFileHandler", "logging.handlers.TimedRotatingFileHandler",
    "logging.handlers.WatchedFileHandler"};
// Handlers Django's DEFAULT_LOGGING defines: a LOGGING that uses them without defining them is a classic.
constexpr std::array<std::string_view, 3> django_default_handlers = {"console", "django.server", "mail_admins"};

constexpr std::string_view version_error = "logging.config.dictConfig raises ValueError and Django does not start";
constexpr std::string_view reject = "dictConfig raises ValueError and Django does not start";

bool in(auto const& table, std::string_view name) { return std::find(table.begin(), table.end(), name) != table.end(); }

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

// A key lookup that knows the difference between "absent" and "cannot tell".
struct Entry {
  const Value* value = nullptr;  // found
  bool absent = false;           // certainly not in the dict
};

Entry lookup(const Value& dict, std::string_view key) {
  if (dict.kind != Kind::dict) return {};
  const Value* found = nullptr;
  bool every_key_known = true;
  for (const auto& [k, v] : dict.entries) {
    if (!k.is_known())
      every_key_known = false;
    else if (k.is_string() && k.text == key)
      found = &v;  // the last binding wins, as in a dict display
  }
  if (found) return {found, false};
  return {nullptr, every_key_known};
}

// BaseConfigurator.convert turns 'ext://...' and 'cfg://...' strings into other objects: leave them alone.
bool is_converted(const Value& value) {
  if (!value.is_string()) return false;
  const std::string_view text = value.text;
  std::size_t letters = 0;
  while (letters < text.size() && text[letters] >= 'a' && text[letters] <= 'z') ++letters;
  return letters > 0 && text.substr(letters).starts_with("://");
}

// Whether `format` has a field logging's PercentStyle accepts: the match of its validation pattern
// %\(\w+\)[#0+ -]*(\*|\d+)?(\.(\*|\d+))?[diouxefgcrsa%] (case-insensitive), for ASCII formats. Greedy
// matching is exact here: giving back a flag or digit can never make the conversion character match.
bool has_percent_field(std::string_view format) {
  const auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto skip_count = [&](std::size_t at) {  // (\*|\d+)?
    if (at < format.size() && format[at] == '*') return at + 1;
    while (at < format.size() && is_digit(format[at])) ++at;
    return at;
  };
  for (std::size_t start = format.find("%("); start != std::string_view::npos; start = format.find("%(", start + 1)) {
    std::size_t at = start + 2;
    const std::size_t name_begin = at;
    while (at < format.size() && is_word(format[at])) ++at;
    if (at == name_begin || at >= format.size() || format[at] != ')') continue;
    ++at;
    while (at < format.size() && std::string_view("#0+ -").find(format[at]) != std::string_view::npos) ++at;
    at = skip_count(at);
    if (at < format.size() && format[at] == '.') {
      const std::size_t after = skip_count(at + 1);
      if (after == at + 1) continue;  // a '.' without a precision is not a conversion character
      at = after;
    }
    if (at < format.size() && std::string_view("diouxefgcrsa%")
                                      .find(static_cast<char>(std::tolower(static_cast<unsigned char>(format[at])))) !=
                                  std::string_view::npos)
      return true;
  }
  return false;
}

// A string as Python's str(), for the evaluator's string and pathlib values.
bool is_text(const Value& value) { return value.kind == Kind::string || value.kind == Kind::path; }

bool is_absolute(std::string_view path) {
  if (path.starts_with('/') || path.starts_with('\\')) return true;
  return path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' &&
         (path[2] == '/' || path[2] == '\\');
}

using own::default_note;

class Checker {
 public:
  explicit Checker(const Value& config) : config_(config) {}

  std::vector<Problem> run() {
    if (!check_version()) return std::move(problems_);
    const Entry incremental = lookup(config_, "incremental");
    if (incremental.value && incremental.value->truthy() != false) return std::move(problems_);  // other rules apply
    check_formatters();
    check_handlers();
    check_loggers();
    check_disabled_django_loggers();
    return std::move(problems_);
  }

 private:
  const Value& config_;
  std::vector<Problem> problems_;

  void add(Issue issue, std::string message, const Value& where) {
    problems_.push_back({issue, std::move(message), where.origin});
  }

  // The section dict ('handlers', ...) when known; `absent` tells a missing section from an unknown one.
  Entry section(std::string_view name) const { return lookup(config_, name); }

  // Iterates name -> dict entries of a known section dict.
  template <typename Visit>
  void each_entry(std::string_view section_name, Visit visit) const {
    const Entry s = section(section_name);
    if (!s.value || s.value->kind != Kind::dict) return;
    for (const auto& [name, body] : s.value->entries)
      if (name.is_string() && body.kind == Kind::dict) visit(name.text, body);
  }

  bool check_version() {
    const Entry version = lookup(config_, "version");
    if (version.absent) {
      add(Issue::bad_version, "LOGGING has no 'version' key: " + std::string(version_error) + ".", config_);
      return false;
    }
    if (!version.value || !version.value->is_known()) return true;
    const Value& v = *version.value;
    const bool is_one =
        (v.kind == Kind::integer && v.integer == 1) || v.is_true() || (v.kind == Kind::floating && v.floating == 1.0);
    if (!is_one) {
      add(Issue::bad_version,
          "LOGGING['version'] is " + v.describe() +
              ", but dictConfig supports only version 1: " + std::string(version_error) + ".",
          v);
      return false;
    }
    return true;
  }

  // `owner` is e.g. "handler 'file'"; `section_name` the section the name must be defined in.
  void check_reference(const Value& name, std::string_view owner, std::string_view kind,
                       std::string_view section_name) {
    if (!name.is_string() || is_converted(name)) return;
    const Entry s = section(section_name);
    if (s.value && (s.value->kind != Kind::dict || !lookup(*s.value, name.text).absent)) return;  // defined, or unknown
    if (!s.value && !s.absent) return;
    std::string message = std::string(owner) + " uses " + std::string(kind) + " " + in_quotes(name.text) +
                          ", which LOGGING['" + std::string(section_name) +
                          "'] does not define: " + std::string(reject) + ".";
    if (section_name == "handlers" && in(django_default_handlers, name.text))
      message += " Django's own DEFAULT_LOGGING defines " + in_quotes(name.text) +
                 ", but dictConfig only sees the handlers of your LOGGING.";
    add(Issue::undefined_reference, std::move(message), name);
  }

  // A list of names ('handlers' or 'filters' of a logger or handler); dictConfig iterates it.
  void check_references(const Value& names, std::string_view owner, std::string_view kind,
                        std::string_view section_name) {
    if (names.truthy() != true) return;  // `if handlers:` skips empty and None
    if (names.is_string()) {
      add(Issue::undefined_reference,
          std::string(owner) + " gives its " + std::string(section_name) + " as the string " + in_quotes(names.text) +
              " instead of a list: dictConfig iterates it character by character and " + std::string(reject) + ".",
          names);
      return;
    }
    if (!names.is_sequence()) return;
    for (const Value& name : names.items) check_reference(name, owner, kind, section_name);
  }

  void check_level(const Value& body, std::string_view owner) {
    const Entry level = lookup(body, "level");
    if (!level.value || !level.value->is_known() || is_converted(*level.value)) return;
    const Value& v = *level.value;
    if (v.kind == Kind::none || v.kind == Kind::integer || v.kind == Kind::boolean) return;
    if (v.is_string() && in(level_names, v.text)) return;
    std::string shown = v.is_string() ? in_quotes(v.text) : v.describe();
    std::string message = std::string(owner) + " has level " + shown + default_note(v) + ": dictConfig accepts only ";
    message += "CRITICAL, FATAL, ERROR, WARN, WARNING, INFO, DEBUG or NOTSET (in upper case) or an int, so it ";
    message += "raises ValueError and Django does not start.";
    add(Issue::unknown_level, std::move(message), v);
  }

  void check_formatters() {
    each_entry("formatters", [&](const std::string& name, const Value& body) {
      const Entry factory = lookup(body, "()");
      if (!factory.absent) return;  // a custom factory takes its own arguments
      const std::string owner = "formatter " + in_quotes(name);
      const Entry style = lookup(body, "style");
      std::string style_text = "%";
      if (style.value) {
        if (!style.value->is_string()) return;
        style_text = style.value->text;
        if (style_text != "%" && style_text != "{" && style_text != "$") {
          add(Issue::invalid_formatter,
              owner + " has style " + in_quotes(style_text) + ": logging.Formatter accepts only '%', '{' or '$', and " +
                  std::string(reject) + ".",
              *style.value);
          return;
        }
      } else if (!style.absent) {
        return;
      }
      const Entry cls = lookup(body, "class");
      if (!cls.absent && !(cls.value && cls.value->is_string() && cls.value->text == "logging.Formatter")) return;
      const Entry validate = lookup(body, "validate");
      if (!validate.absent && !(validate.value && validate.value->truthy() == true)) return;
      const Entry format = lookup(body, "format");
      if (!format.value || !format.value->is_string() || format.value->text.empty()) return;
      const std::string& fmt = format.value->text;
      // Python's \w also matches non-ASCII letters; stay silent rather than guess for such formats.
      if (std::any_of(fmt.begin(), fmt.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) return;
      if (style_text == "%" && !has_percent_field(fmt)) {
        add(Issue::invalid_formatter,
            owner + " has a format with no %(name)s field although its style is '%'" +
                (fmt.find('{') != std::string::npos ? " (a {}-style format needs 'style': '{')" : std::string()) +
                ": logging.Formatter raises ValueError (\"Invalid format\") and Django does not start.",
            *format.value);
      }
    });
  }

  void check_handler_class(const std::string& name, const Value& body) {
    const std::string owner = "handler " + in_quotes(name);
    const Entry cls = lookup(body, "class");
    if (cls.absent) {
      add(Issue::handler_class,
          owner + " has no 'class' (nor a '()' factory): dictConfig raises ValueError and Django does not start.",
          body);
      return;
    }
    if (!cls.value || !cls.value->is_string() || is_converted(*cls.value)) return;
    const std::string& path = cls.value->text;
    constexpr std::string_view handlers_prefix = "logging.handlers.";
    constexpr std::string_view logging_prefix = "logging.";
    if (path.starts_with(handlers_prefix)) {
      const std::string_view leaf = std::string_view(path).substr(handlers_prefix.size());
      if (!in(logging_handlers_module_classes, leaf) && !in(logging_module_handlers, leaf) &&
          leaf.find('.') == std::string_view::npos) {
        add(Issue::handler_class,
            owner + " has class " + in_quotes(path) +
                ", which logging.handlers does not define: " + std::string(reject) + ".",
            *cls.value);
        return;
      }
    } else if (path.starts_with(logging_prefix)) {
      const std::string_view leaf = std::string_view(path).substr(logging_prefix.size());
      if (leaf.ends_with("Handler") && leaf.find('.') == std::string_view::npos && !in(logging_module_handlers, leaf)) {
        std::string message = owner + " has class " + in_quotes(path) + ", which the logging module does not define";
        if (in(logging_handlers_module_classes, leaf))
          message += " (it is 'logging.handlers." + std::string(leaf) + "')";
        add(Issue::handler_class, message + ": " + std::string(reject) + ".", *cls.value);
        return;
      }
    }
    if (in(file_handler_classes, path) && lookup(body, "filename").absent) {
      add(Issue::handler_class,
          owner + " (" + path + ") has no 'filename': the handler cannot be created, " + std::string(reject) + ".",
          body);
    }
  }

  void check_filename(const std::string& name, const Value& body) {
    const Entry cls = lookup(body, "class");
    if (!cls.value || !cls.value->is_string() || !in(file_handler_classes, cls.value->text)) return;
    const Entry filename = lookup(body, "filename");
    if (!filename.value || !is_text(*filename.value) || filename.value->text.empty()) return;
    const Value& file = *filename.value;
    if (is_absolute(file.text)) return;
    add(Issue::relative_filename,
        "handler " + in_quotes(name) + " writes to the relative path " + in_quotes(file.text) + default_note(file) +
            ": it is opened relative to the app server's working directory, which differs between runserver, "
            "gunicorn, uWSGI and systemd units, so logs land somewhere unexpected or Django fails to start "
            "when that directory does not exist.",
        file);
  }

  void check_handlers() {
    each_entry("handlers", [&](const std::string& name, const Value& body) {
      const std::string owner = "handler " + in_quotes(name);
      const Entry formatter = lookup(body, "formatter");
      if (formatter.value && formatter.value->truthy() == true)
        check_reference(*formatter.value, owner, "formatter", "formatters");
      check_level(body, owner);
      const Entry filters = lookup(body, "filters");
      if (filters.value) check_references(*filters.value, owner, "filter", "filters");
      if (!lookup(body, "()").absent) return;  // a factory: its class and arguments are its own business
      check_handler_class(name, body);
      const Entry cls = lookup(body, "class");
      if (cls.value && cls.value->is_string() && cls.value->text == "logging.handlers.MemoryHandler") {
        const Entry target = lookup(body, "target");
        if (target.value) check_reference(*target.value, owner, "target handler", "handlers");
      }
      check_filename(name, body);
    });
  }

  void check_logger(std::string_view owner, const Value& body) {
    check_level(body, owner);
    const Entry handlers = lookup(body, "handlers");
    if (handlers.value) check_references(*handlers.value, owner, "handler", "handlers");
    const Entry filters = lookup(body, "filters");
    if (filters.value) check_references(*filters.value, owner, "filter", "filters");
  }

  void check_loggers() {
    each_entry("loggers",
               [&](const std::string& name, const Value& body) { check_logger("logger " + in_quotes(name), body); });
    const Entry root = lookup(config_, "root");
    if (root.value && root.value->kind == Kind::dict && root.value->truthy() == true)
      check_logger("the root logger", *root.value);
  }

  void check_disabled_django_loggers() {
    const Entry disable = lookup(config_, "disable_existing_loggers");
    const bool omitted = disable.absent;
    if (!omitted && !(disable.value && disable.value->truthy() == true)) return;
    const Entry loggers = section("loggers");
    const auto named = [&](std::string_view name) -> std::optional<bool> {  // nullopt: cannot tell
      if (loggers.absent) return false;
      if (!loggers.value || loggers.value->kind != Kind::dict) return std::nullopt;
      const Entry entry = lookup(*loggers.value, name);
      if (entry.absent) return false;
      return entry.value ? std::optional<bool>(true) : std::nullopt;
    };
    // dictConfig keeps an existing logger that the configuration names, or whose ancestor it names.
    const auto kept = [&](std::string_view name) -> std::optional<bool> {
      std::optional<bool> answer = false;
      for (std::size_t end = name.find('.');; end = name.find('.', end + 1)) {
        const std::optional<bool> ancestor = named(name.substr(0, end));
        if (ancestor == true) return true;
        if (!ancestor) answer = std::nullopt;
        if (end == std::string_view::npos) return answer;
      }
    };
    // Naming 'django.request' keeps what matters in production, errors in views: what is left off then (SQL and
    // template debug logs, runserver's log) is not worth a warning.
    if (kept("django.request") != false) return;
    // The loggers that exist when Django applies LOGGING (measured with Django 3.2): 'django' and 'django.server'
    // from Django's DEFAULT_LOGGING, applied just before, and those made by the modules django.setup() imports.
    std::string lost;
    for (const std::string_view name :
         {"django", "django.request", "django.server", "django.db.backends", "django.template"}) {
      if (kept(name) != false) continue;
      lost += std::string(lost.empty() ? "" : ", ") + in_quotes(name);
    }
    add(Issue::disables_django_loggers,
        std::string("LOGGING disables the loggers that already exist (disable_existing_loggers is True") +
            (omitted ? ", the default when the key is omitted" : "") +
            ") and names neither 'django' nor "
            "'django.request': the Django loggers that exist by then and that it does not name are switched off (" +
            lost + "), so errors raised in views are neither logged nor mailed to ADMINS.",
        omitted ? config_ : *disable.value);
  }
};

}  // namespace

std::vector<Problem> check(const settings::Value& logging) {
  if (logging.kind != Kind::dict) return {};
  return Checker(logging).run();
}

void report(const settings::SettingsModel& model, FindingSink& sink, Issue issue) {
  if (!own::known_or_blind(model, "LOGGING", sink) || !own::known_or_blind(model, "LOGGING_CONFIG", sink)) return;
  const Value* logging = model.get("LOGGING");
  if (!logging || logging->kind != Kind::dict || logging->truthy() != true) return;  // Django skips an empty LOGGING
  if (const Value* config = model.get("LOGGING_CONFIG")) {
    // Another function (or None: no configuration at all) gets LOGGING; its rules are not dictConfig's.
    if (!config->is_string() || config->text != "logging.config.dictConfig") return;
  }
  for (const Problem& problem : check(*logging))
    if (problem.issue == issue) sink.report(problem.message, problem.where, "LOGGING");
}

}  // namespace deployctl::checks::rules::logging_config
