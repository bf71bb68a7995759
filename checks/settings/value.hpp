// What the static evaluator knows about one Python value, and where it came from.
// A value the evaluator cannot know is Kind::unknown: rules never treat it as any particular value.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/python/ast.hpp"

namespace deployctl::checks::settings {

// Where an expression was written: file relative to the project dir, and its span there.
struct Origin {
  std::string file;
  python::Position position;
  bool whole_file = false;  // about the file, not a place in it (a setting it never assigns); position is 1:1
};

class Value;

// The unknown alternative a merge of code paths lists for the paths that leave a name unbound: Django's default
// applies there while the namespace is complete (checks/settings/eval/merge.cpp).
inline constexpr std::string_view unset_on_this_path = "unset on this path";
using ValuePtr = std::shared_ptr<const Value>;

// One read of an environment variable, as written in the settings.
struct EnvRead {
  std::string variable;             // "DJANGO_DEBUG"
  std::string reader;               // how it was read: "os.environ.get", "os.getenv", "os.environ[]",
                                    // "env.bool", "env", "config", "dj_database_url.config", ...
  bool is_set = false;              // set in the analysed environment (--env / --env-file)?
  ValuePtr default_value;           // the default written in the settings; null when there is none
  std::optional<std::string> cast;  // the cast the library applies: "bool", "int", "list", "Csv", "db_url", ...
  Origin where;                     // the read expression
  // Non-empty when the settings refuse to load without the variable, e.g. "the raise at settings.py:14"
  // after `if not SECRET_KEY:`: whatever default is written never reaches Django.
  std::string required_by;
};

// Where a value read from the environment comes from, and what the settings do at runtime when the
// variable is not set, e.g. "environment variable SECRET_KEY, which is not set: the default written in the
// settings applies". Never shows a value.
std::string describe_env_source(const EnvRead& read);

class Value {
 public:
  enum class Kind { unknown, none, boolean, integer, floating, string, bytes, list, tuple, set, dict, path, object };

  // Declared here and defaulted in value.cpp: clang (the fuzz build) cannot define them inside the class
  // while `entries` holds std::pair<Value, Value> of the still incomplete Value.
  Value();
  ~Value();
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;

  Kind kind = Kind::unknown;
  bool boolean = false;      // Kind::boolean
  std::int64_t integer = 0;  // Kind::integer
  double floating = 0;       // Kind::floating
  std::string text;          // string, bytes, path (POSIX form), object (its type, e.g. "module os")
  std::vector<Value> items;  // list, tuple, set (in source order)
  std::vector<std::pair<Value, Value>> entries;  // dict, in insertion order

  Origin origin;                       // where the expression that made this value was written
  bool literal = false;                // written literally in the source (not computed, not from env)
  std::shared_ptr<const EnvRead> env;  // set when the value is, or is derived from, an env read
  std::vector<std::string> steps;      // operations applied since the env read: "bool()", ".lower()", "== 'true'", ...
  std::string producer;                // qualified name of the call that produced it, e.g.
                                       // "django.core.management.utils.get_random_secret_key"
  std::string unknown_reason;          // Kind::unknown: why, for messages and debugging
  std::vector<Value> alternatives;     // Kind::unknown from merged branches: the values it may have

  // Constructors for the common kinds.
  static Value unknown(std::string reason, Origin origin = {});
  static Value none(Origin origin = {});
  static Value from_bool(bool b, Origin origin = {});
  static Value from_int(std::int64_t i, Origin origin = {});
  static Value from_float(double d, Origin origin = {});
  static Value from_string(std::string s, Origin origin = {});
  static Value from_path(std::string posix_path, Origin origin = {});
  static Value list(std::vector<Value> items, Origin origin = {});
  static Value tuple(std::vector<Value> items, Origin origin = {});
  static Value dict(std::vector<std::pair<Value, Value>> entries, Origin origin = {});

  bool is_known() const { return kind != Kind::unknown; }
  bool is_string() const { return kind == Kind::string; }
  bool is_true() const { return kind == Kind::boolean && boolean; }    // `is True`
  bool is_false() const { return kind == Kind::boolean && !boolean; }  // `is False`
  bool is_sequence() const { return kind == Kind::list || kind == Kind::tuple || kind == Kind::set; }

  // Python truthiness; nullopt when unknown (or an object whose truth is not known).
  std::optional<bool> truthy() const;

  // Dict lookup by string key; null when absent or when this is not a known dict.
  const Value* get(std::string_view key) const;

  // Whether any element of a known sequence is a string equal to `s` (`s in value`); nullopt when unknown.
  std::optional<bool> contains_string(std::string_view s) const;

  // Python equality of two known values; nullopt when either side (or a nested element) is unknown.
  std::optional<bool> equals(const Value& other) const;

  // A short Python-like rendering for messages, e.g. "True", "['*']", "a 17-character string".
  // Strings are rendered as their content only when `show_strings` is true: never pass true for secrets.
  std::string describe(bool show_strings = true) const;
};

}  // namespace deployctl::checks::settings
