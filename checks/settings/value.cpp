// Value: constructors, Python truthiness and equality over known values, and short renderings for messages.
#include "checks/settings/value.hpp"

#include <algorithm>

#include "checks/settings/eval/python_text.hpp"

namespace deployctl::checks::settings {

std::string describe_env_source(const EnvRead& read) {
  std::string out = "environment variable " + read.variable;
  if (read.is_set) return out;
  if (!read.required_by.empty()) return out + ", which the settings require (" + read.required_by + ")";
  if (read.default_value) return out + ", which is not set: the default written in the settings applies";
  if (read.reader == "os.environ.get" || read.reader == "os.getenv")
    return out + ", which is not set, and no default is written: " + read.reader + "() gives None";
  return out + ", which is not set";
}

Value::Value() = default;
Value::~Value() = default;
Value::Value(const Value&) = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(const Value&) = default;
Value& Value::operator=(Value&&) noexcept = default;

namespace {

constexpr std::size_t max_description = 160;

bool always_true_object(const Value& value) {
  // Modules, functions, classes and bound methods define no __bool__/__len__: always true.
  const std::string_view text = value.text;
  return text.starts_with("module ") || text.starts_with("function ") || text.starts_with("class ") ||
         text.starts_with("method ");
}

bool is_number(const Value& value) {
  return value.kind == Value::Kind::boolean || value.kind == Value::Kind::integer ||
         value.kind == Value::Kind::floating;
}

double as_double(const Value& value) {
  if (value.kind == Value::Kind::boolean) return value.boolean ? 1.0 : 0.0;
  if (value.kind == Value::Kind::integer) return static_cast<double>(value.integer);
  return value.floating;
}

std::int64_t as_int(const Value& value) {
  return value.kind == Value::Kind::boolean ? (value.boolean ? 1 : 0) : value.integer;
}

// Equality of unordered collections (sets, dict entries): every element of each side has an equal partner.
std::optional<bool> same_elements(const std::vector<const Value*>& left, const std::vector<const Value*>& right) {
  if (left.size() != right.size()) return false;
  bool unsure = false;
  for (const Value* item : left) {
    bool found = false;
    for (const Value* other : right) {
      const auto eq = item->equals(*other);
      if (!eq)
        unsure = true;
      else if (*eq) {
        found = true;
        break;
      }
    }
    if (!found) {
      if (!unsure) return false;
      return std::nullopt;
    }
  }
  return true;
}

// Cuts at a code point boundary: messages must stay valid UTF-8 (the JSON report refuses anything else).
std::size_t utf8_cut(std::string_view text, std::size_t at) {
  if (at >= text.size()) return text.size();
  while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0U) == 0x80U) --at;
  return at;
}

void append_limited(std::string& out, std::string_view piece) {
  if (out.size() >= max_description) return;
  out.append(piece.substr(0, utf8_cut(piece, max_description - out.size() + 3)));
}

void describe_into(const Value& value, bool show_strings, std::string& out);

void describe_items(const std::vector<Value>& items, bool show_strings, std::string& out) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (out.size() >= max_description) return;
    if (i) out += ", ";
    describe_into(items[i], show_strings, out);
  }
}

void describe_into(const Value& value, bool show_strings, std::string& out) {
  using Kind = Value::Kind;
  switch (value.kind) {
    case Kind::unknown: append_limited(out, "an unknown value"); return;
    case Kind::none: append_limited(out, "None"); return;
    case Kind::boolean: append_limited(out, value.boolean ? "True" : "False"); return;
    case Kind::integer: append_limited(out, std::to_string(value.integer)); return;
    case Kind::floating: append_limited(out, eval::python_float_repr(value.floating)); return;
    case Kind::string:
      if (show_strings)
        append_limited(out, eval::python_repr(value.text));
      else {
        const std::size_t length = eval::code_point_count(value.text);
        append_limited(out, "a " + std::to_string(length) + "-character string");
      }
      return;
    case Kind::bytes:
      if (show_strings)
        append_limited(out, eval::python_bytes_repr(value.text));
      else
        append_limited(out, "a " + std::to_string(value.text.size()) + "-byte bytes object");
      return;
    case Kind::path: append_limited(out, "Path(" + eval::python_repr(value.text) + ")"); return;
    case Kind::list:
      out += '[';
      describe_items(value.items, show_strings, out);
      out += ']';
      return;
    case Kind::tuple:
      out += '(';
      describe_items(value.items, show_strings, out);
      if (value.items.size() == 1) out += ',';
      out += ')';
      return;
    case Kind::set:
      if (value.items.empty()) {
        out += "set()";
        return;
      }
      out += '{';
      describe_items(value.items, show_strings, out);
      out += '}';
      return;
    case Kind::dict:
      out += '{';
      for (std::size_t i = 0; i < value.entries.size(); ++i) {
        if (out.size() >= max_description) break;
        if (i) out += ", ";
        describe_into(value.entries[i].first, show_strings, out);
        out += ": ";
        describe_into(value.entries[i].second, show_strings, out);
      }
      out += '}';
      return;
    case Kind::object: append_limited(out, value.text); return;
  }
}

Value make(Value::Kind kind, Origin origin) {
  Value value;
  value.kind = kind;
  value.origin = std::move(origin);
  return value;
}

}  // namespace

Value Value::unknown(std::string reason, Origin origin) {
  Value value = make(Kind::unknown, std::move(origin));
  value.unknown_reason = std::move(reason);
  return value;
}

Value Value::none(Origin origin) { return make(Kind::none, std::move(origin)); }

Value Value::from_bool(bool b, Origin origin) {
  Value value = make(Kind::boolean, std::move(origin));
  value.boolean = b;
  return value;
}

Value Value::from_int(std::int64_t i, Origin origin) {
  Value value = make(Kind::integer, std::move(origin));
  value.integer = i;
  return value;
}

Value Value::from_float(double d, Origin origin) {
  Value value = make(Kind::floating, std::move(origin));
  value.floating = d;
  return value;
}

Value Value::from_string(std::string s, Origin origin) {
  Value value = make(Kind::string, std::move(origin));
  value.text = std::move(s);
  return value;
}

Value Value::from_path(std::string posix_path, Origin origin) {
  Value value = make(Kind::path, std::move(origin));
  value.text = std::move(posix_path);
  return value;
}

Value Value::list(std::vector<Value> items, Origin origin) {
  Value value = make(Kind::list, std::move(origin));
  value.items = std::move(items);
  return value;
}

Value Value::tuple(std::vector<Value> items, Origin origin) {
  Value value = make(Kind::tuple, std::move(origin));
  value.items = std::move(items);
  return value;
}

Value Value::dict(std::vector<std::pair<Value, Value>> entries, Origin origin) {
  Value value = make(Kind::dict, std::move(origin));
  value.entries = std::move(entries);
  return value;
}

std::optional<bool> Value::truthy() const {
  switch (kind) {
    case Kind::unknown: return std::nullopt;
    case Kind::none: return false;
    case Kind::boolean: return boolean;
    case Kind::integer: return integer != 0;
    case Kind::floating: return floating != 0.0;
    case Kind::string:
    case Kind::bytes: return !text.empty();
    case Kind::list:
    case Kind::tuple:
    case Kind::set: return !items.empty();
    case Kind::dict: return !entries.empty();
    case Kind::path: return true;
    case Kind::object:
      if (always_true_object(*this)) return true;
      return std::nullopt;
  }
  return std::nullopt;
}

const Value* Value::get(std::string_view key) const {
  if (kind != Kind::dict) return nullptr;
  for (const auto& [k, v] : entries)
    if (k.kind == Kind::string && k.text == key) return &v;
  return nullptr;
}

std::optional<bool> Value::contains_string(std::string_view s) const {
  if (kind == Kind::string) return text.find(s) != std::string::npos;
  const auto scan = [&](auto const& range, auto const& element) -> std::optional<bool> {
    bool unsure = false;
    for (const auto& entry : range) {
      const Value& item = element(entry);
      if (item.kind == Kind::string && item.text == s) return true;
      if (!item.is_known() || item.kind == Kind::object) unsure = true;
    }
    if (unsure) return std::nullopt;
    return false;
  };
  if (is_sequence()) return scan(items, [](const Value& v) -> const Value& { return v; });
  if (kind == Kind::dict)
    return scan(entries, [](const std::pair<Value, Value>& e) -> const Value& { return e.first; });
  return std::nullopt;
}

std::optional<bool> Value::equals(const Value& other) const {
  if (!is_known() || !other.is_known()) return std::nullopt;
  if (is_number(*this) && is_number(other)) {
    if (kind == Kind::floating || other.kind == Kind::floating) return as_double(*this) == as_double(other);
    return as_int(*this) == as_int(other);
  }
  if (kind == Kind::object || other.kind == Kind::object) {
    if (kind == other.kind && text == other.text && always_true_object(*this)) return true;
    // Instances may define __eq__; anything else compared with an object is a plain identity test.
    if ((kind == Kind::object && !always_true_object(*this)) ||
        (other.kind == Kind::object && !always_true_object(other)))
      return std::nullopt;
    return false;
  }
  if (kind != other.kind) return false;
  switch (kind) {
    case Kind::none: return true;
    case Kind::string:
    case Kind::bytes:
    case Kind::path: return text == other.text;
    case Kind::list:
    case Kind::tuple: {
      if (items.size() != other.items.size()) return false;
      bool unsure = false;
      for (std::size_t i = 0; i < items.size(); ++i) {
        const auto eq = items[i].equals(other.items[i]);
        if (!eq)
          unsure = true;
        else if (!*eq)
          return false;
      }
      if (unsure) return std::nullopt;
      return true;
    }
    case Kind::set: {
      std::vector<const Value*> left, right;
      for (const Value& v : items) left.push_back(&v);
      for (const Value& v : other.items) right.push_back(&v);
      return same_elements(left, right);
    }
    case Kind::dict: {
      if (entries.size() != other.entries.size()) return false;
      bool unsure = false;
      for (const auto& [key, value] : entries) {
        const Value* partner = nullptr;
        bool key_unsure = false;
        for (const auto& [other_key, other_value] : other.entries) {
          const auto eq = key.equals(other_key);
          if (!eq)
            key_unsure = true;
          else if (*eq) {
            partner = &other_value;
            break;
          }
        }
        if (!partner) {
          if (key_unsure) {
            unsure = true;
            continue;
          }
          return false;
        }
        const auto eq = value.equals(*partner);
        if (!eq)
          unsure = true;
        else if (!*eq)
          return false;
      }
      if (unsure) return std::nullopt;
      return true;
    }
    default: return std::nullopt;
  }
}

std::string Value::describe(bool show_strings) const {
  std::string out;
  describe_into(*this, show_strings, out);
  if (out.size() > max_description) {
    out.resize(utf8_cut(out, max_description));
    out += "...";
  }
  return out;
}

}  // namespace deployctl::checks::settings
