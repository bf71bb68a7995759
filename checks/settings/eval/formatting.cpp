// f-strings, '%' formatting and str.format for the conversions settings use ({}, {0}, {name}, !r, %s, %d,
// %(name)s). Format specs with widths or precision are not modelled: those results are unknown.
#include "checks/settings/eval/formatting.hpp"

#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/methods.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace py = python;
using Kind = Value::Kind;

namespace {

// Collects text and provenance while formatting; any unknown piece makes the whole result unknown.
struct Builder {
  std::string text;
  const Value* env_part = nullptr;
  const Value* unknown_part = nullptr;
  std::string failure;

  void add(const Value& value, char conversion) {
    if (!env_part && value.env) env_part = &value;
    if (!failure.empty() || unknown_part) return;
    if (!value.is_known()) {
      unknown_part = &value;
      return;
    }
    auto piece = format_field(value, conversion);
    if (!piece) {
      failure = "formats " + value.describe(false) + " in a way the evaluator does not model";
      return;
    }
    text += *piece;
    if (text.size() > max_text_bytes) failure = "a formatted string too large to evaluate";
  }

  ValuePtr finish_with(Frame& frame, const Origin& origin, std::string_view step, bool literal) {
    Value out;
    if (unknown_part) {
      out = Value::unknown(unknown_part->unknown_reason, origin);
      out.producer = unknown_part->producer;
    } else if (!failure.empty()) {
      out = Value::unknown(failure, origin);
    } else {
      out = Value::from_string(std::move(text), origin);
      out.literal = literal;
    }
    if (env_part) carry_env(out, *env_part, step);
    return finish(frame, std::move(out));
  }
};

}  // namespace

ValuePtr evaluate_joined_str(Frame& frame, const py::JoinedStr& joined, const Origin& origin) {
  Builder builder;
  std::vector<ValuePtr> keep;  // the builder points into these
  bool literal = true;
  for (const py::ExprPtr& part : joined.values) {
    if (const auto* constant = py::as<py::Constant>(part)) {
      if (const auto* text = std::get_if<std::string>(&constant->value)) builder.text += *text;
      continue;
    }
    const auto* formatted = py::as<py::FormattedValue>(part);
    if (!formatted) {
      builder.failure = "an f-string part the evaluator does not model";
      continue;
    }
    literal = false;
    keep.push_back(evaluate(frame, formatted->value));
    if (formatted->format_spec) {
      // Only an empty spec is modelled ({x:} is rare, {x:>10} changes the text).
      const auto* spec = py::as<py::JoinedStr>(formatted->format_spec);
      if (!spec || !spec->values.empty()) builder.failure = "an f-string with a format spec";
    }
    const char conversion = formatted->conversion < 0 ? 's' : static_cast<char>(formatted->conversion);
    builder.add(*keep.back(), conversion);
  }
  return builder.finish_with(frame, origin, "f-string", literal);
}

ValuePtr percent_format(Frame& frame, const ValuePtr& format, const ValuePtr& arguments, const Origin& origin) {
  Builder builder;
  const std::string& pattern = format->text;
  if (!format->env && arguments->env) builder.env_part = arguments.get();
  const bool mapping = arguments->kind == Kind::dict;
  const std::vector<Value> single{*arguments};
  const std::vector<Value>& positional = arguments->kind == Kind::tuple ? arguments->items : single;
  std::size_t next = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      builder.text += pattern[i];
      continue;
    }
    if (++i >= pattern.size()) {
      builder.failure = "an incomplete format (ValueError)";
      break;
    }
    if (pattern[i] == '%') {
      builder.text += '%';
      continue;
    }
    const Value* argument = nullptr;
    if (pattern[i] == '(') {
      const std::size_t close = pattern.find(')', i);
      if (close == std::string::npos || !mapping) {
        builder.failure = "a %(name) format without a mapping";
        break;
      }
      argument = arguments->get(pattern.substr(i + 1, close - i - 1));
      i = close + 1;
      if (!argument || i >= pattern.size()) {
        builder.failure = "a %(name) format with a missing key (KeyError)";
        break;
      }
    } else {
      if (next >= positional.size()) {
        builder.failure = "not enough arguments for the format (TypeError)";
        break;
      }
      argument = &positional[next++];
    }
    const char conversion = pattern[i];
    if (conversion == 's' || conversion == 'r' || conversion == 'a') {
      builder.add(*argument, conversion);
    } else if (conversion == 'd' || conversion == 'i') {
      if (argument->kind == Kind::integer || argument->kind == Kind::boolean)
        builder.add(Value::from_int(argument->kind == Kind::boolean ? argument->boolean : argument->integer), 's');
      else if (!argument->is_known())
        builder.add(*argument, 's');
      else
        builder.failure = "a %d format of a non-integer";
    } else {
      builder.failure = "a % format with flags, width or precision";
      break;
    }
  }
  if (builder.failure.empty() && !mapping && next < positional.size() && arguments->kind == Kind::tuple)
    builder.failure = "not all arguments converted during string formatting (TypeError)";
  if (!builder.env_part && format->env) builder.env_part = format.get();
  return builder.finish_with(frame, origin, "% ...", false);
}

ValuePtr str_format(CallSite& site, const ValuePtr& format) {
  Builder builder;
  const std::string& pattern = format->text;
  std::size_t automatic = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '}') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '}') ++i;
      builder.text += '}';
      continue;
    }
    if (c != '{') {
      builder.text += c;
      continue;
    }
    if (i + 1 < pattern.size() && pattern[i + 1] == '{') {
      builder.text += '{';
      ++i;
      continue;
    }
    const std::size_t close = pattern.find('}', i);
    if (close == std::string::npos) {
      builder.failure = "an unmatched '{' in format (ValueError)";
      break;
    }
    std::string field = pattern.substr(i + 1, close - i - 1);
    i = close;
    char conversion = 's';
    if (const std::size_t bang = field.find('!'); bang != std::string::npos) {
      if (bang + 2 != field.size()) {
        builder.failure = "a format field with a spec";
        break;
      }
      conversion = field[bang + 1];
      field.resize(bang);
    }
    if (field.find_first_of(":.[") != std::string::npos) {
      builder.failure = "a format field with a spec, attribute or index";
      break;
    }
    ValuePtr argument;
    if (field.empty())
      argument = site.args.get(automatic++, "");
    else if (field.find_first_not_of("0123456789") == std::string::npos)
      argument = site.args.get(static_cast<std::size_t>(std::stoul(field.substr(0, 6))), "");
    else
      argument = site.args.keyword(field);
    if (!argument) {
      builder.failure = "a format field without an argument (IndexError/KeyError)";
      break;
    }
    site.frame.run.work += 1;
    builder.add(*argument, conversion);
    // The builder keeps a pointer for provenance: keep the argument alive in the call site.
  }
  if (site.args.unexpanded && builder.failure.empty())
    builder.failure = "format() with arguments the evaluator cannot expand";
  if (!builder.env_part && format->env) builder.env_part = format.get();
  return builder.finish_with(site.frame, site.origin, ".format()", false);
}

}  // namespace deployctl::checks::settings::eval
