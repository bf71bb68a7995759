// str and bytes methods. Each result keeps the env provenance of the receiver, with the call as a step
// (".lower()", ".split(',')"), so that rules can tell what was done to an environment variable.
#include <algorithm>

#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/formatting.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/methods.hpp"
#include "checks/settings/eval/python_text.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace {

using Kind = Value::Kind;

std::string call_step(std::string_view method, const Arguments& args) {
  std::string step = "." + std::string(method) + "(";
  for (std::size_t i = 0; i < args.positional.size(); ++i) {
    if (i) step += ", ";
    step += step_operand(*args.positional[i]);
  }
  return step + ")";
}

struct StringCall {
  CallSite& site;
  const Value& receiver;
  std::string_view method;

  std::string step() const { return call_step(method, site.args); }

  MethodResult result(Value value) const {
    value.origin = site.origin;
    carry_env(value, receiver, step());
    if (value.kind == Kind::list)
      for (Value& item : value.items) {
        item.origin = site.origin;
        carry_env(item, receiver, step());
      }
    return MethodResult{finish(site.frame, std::move(value)), nullptr};
  }
  MethodResult text(std::string s) const { return result(Value::from_string(std::move(s))); }
  MethodResult boolean(bool b) const { return result(Value::from_bool(b)); }
  MethodResult integer(std::int64_t i) const { return result(Value::from_int(i)); }
  MethodResult unknown(std::string why) const {
    Value out = Value::unknown(std::move(why), site.origin);
    carry_env(out, receiver, step());
    return MethodResult{share(std::move(out)), nullptr};
  }
  MethodResult raise(PyException type, std::string why) const {
    site.frame.raise(type);
    return unknown(std::move(why));
  }

  // Argument i as a str (nullopt: absent or None); `bad` set when it is there but not a known str.
  std::optional<std::string> string_arg(std::size_t i, std::string_view name, bool& bad) const {
    const ValuePtr arg = site.args.get(i, name);
    if (!arg || arg->kind == Kind::none) return std::nullopt;
    if (arg->kind != Kind::string) {
      bad = true;
      return std::nullopt;
    }
    return arg->text;
  }
  std::optional<std::int64_t> int_arg(std::size_t i, std::string_view name, std::int64_t fallback, bool& bad) const {
    const ValuePtr arg = site.args.get(i, name);
    if (!arg) return fallback;
    if (arg->kind == Kind::integer) return arg->integer;
    bad = true;
    return std::nullopt;
  }
};

// str.startswith/endswith accept a str or a tuple of str.
std::optional<bool> affix_test(const Value& arg, const std::string& text, bool prefix) {
  const auto test = [&](const std::string& affix) { return prefix ? text.starts_with(affix) : text.ends_with(affix); };
  if (arg.kind == Kind::string) return test(arg.text);
  if (arg.kind == Kind::tuple) {
    for (const Value& item : arg.items) {
      if (item.kind != Kind::string) return std::nullopt;
      if (test(item.text)) return true;
    }
    return false;
  }
  return std::nullopt;
}

std::optional<MethodResult> string_method(StringCall& c) {
  const std::string& s = c.receiver.text;
  const std::string_view m = c.method;
  bool bad = false;
  if (m == "lower" || m == "casefold" || m == "upper") {
    const auto mapped = m == "upper" ? ascii_upper(s) : ascii_lower(s);
    if (!mapped) return c.unknown("case mapping of non-ASCII text is not modelled");
    return c.text(*mapped);
  }
  if (m == "strip" || m == "lstrip" || m == "rstrip") {
    const auto chars = c.string_arg(0, "chars", bad);
    if (bad) return c.unknown("strip() with unknown characters");
    const StripSide side = m == "strip" ? StripSide::both : (m == "lstrip" ? StripSide::left : StripSide::right);
    return c.text(python_strip(s, chars ? &*chars : nullptr, side));
  }
  if (m == "split" || m == "rsplit") {
    const auto sep = c.string_arg(0, "sep", bad);
    const auto max_split = c.int_arg(1, "maxsplit", -1, bad);
    if (bad || !max_split) return c.unknown("split() with unknown arguments");
    if (sep && sep->empty()) return c.raise(PyException::value_error, "split() with an empty separator (ValueError)");
    const auto parts =
        sep ? split_on(s, *sep, *max_split, m == "rsplit") : split_whitespace(s, *max_split, m == "rsplit");
    if (parts.size() > max_value_nodes) return c.unknown("split() into too many parts");
    Value list = Value::list({});
    for (const std::string& part : parts) list.items.push_back(Value::from_string(part));
    return c.result(std::move(list));
  }
  if (m == "splitlines") {
    Value list = Value::list({});
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\n' && s[i] != '\r') continue;
      list.items.push_back(Value::from_string(s.substr(start, i - start)));
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      start = i + 1;
    }
    if (start < s.size()) list.items.push_back(Value::from_string(s.substr(start)));
    return c.result(std::move(list));
  }
  if (m == "startswith" || m == "endswith") {
    const ValuePtr arg = c.site.args.get(0, "");
    if (!arg || c.site.args.positional.size() > 1) return c.unknown("startswith()/endswith() with ranges");
    const auto test = affix_test(*arg, s, m == "startswith");
    if (!test) return c.unknown("startswith()/endswith() of an unknown affix");
    return c.boolean(*test);
  }
  if (m == "replace") {
    const auto old = c.string_arg(0, "", bad);
    const auto replacement = c.string_arg(1, "", bad);
    const auto count = c.int_arg(2, "count", -1, bad);
    if (bad || !old || !replacement || !count) return c.unknown("replace() with unknown arguments");
    std::string out;
    std::int64_t done = 0;
    if (old->empty()) return c.unknown("replace() of the empty string is not modelled");
    std::size_t start = 0;
    while (*count < 0 || done < *count) {
      const std::size_t at = s.find(*old, start);
      if (at == std::string::npos) break;
      out.append(s, start, at - start);
      out += *replacement;
      if (out.size() > max_text_bytes) return c.unknown("replace() result too large");
      start = at + old->size();
      ++done;
    }
    out.append(s, start, std::string::npos);
    return c.text(std::move(out));
  }
  if (m == "join") {
    const ValuePtr iterable = c.site.args.get(0, "");
    auto items = iterable ? iterate(*iterable) : std::nullopt;
    if (!items) {
      Value out =
          Value::unknown(iterable && !iterable->is_known() ? iterable->unknown_reason : "join() of an unknown iterable",
                         c.site.origin);
      if (iterable) carry_env(out, *iterable, ".join()");
      return MethodResult{share(std::move(out)), nullptr};
    }
    std::string out;
    const Value* env_item = nullptr;
    for (std::size_t i = 0; i < items->size(); ++i) {
      const Value& item = (*items)[i];
      if (item.kind != Kind::string) {
        if (item.is_known()) return c.raise(PyException::type_error, "join() of a non-str item (TypeError)");
        if (item.producer.empty())
          return c.unknown(item.unknown_reason.empty() ? "join() of unknown items" : item.unknown_reason);
        // ''.join(random.SystemRandom().choice(chars) for _ in range(50)): made by the items' producer.
        Value joined = Value::unknown(item.unknown_reason, c.site.origin);
        joined.producer = item.producer;
        return MethodResult{share(std::move(joined)), nullptr};
      }
      if (!env_item && item.env) env_item = &item;
      if (i) out += s;
      out += item.text;
      if (out.size() > max_text_bytes) return c.unknown("join() result too large");
    }
    Value value = Value::from_string(std::move(out));
    if (env_item)
      carry_env(value, *env_item, ".join()");
    else if (iterable->env)
      carry_env(value, *iterable, ".join()");
    return c.result(std::move(value));
  }
  if (m == "format") return MethodResult{str_format(c.site, share(c.receiver)), nullptr};
  if (m == "find" || m == "rfind" || m == "index" || m == "rindex" || m == "count") {
    const auto needle = c.string_arg(0, "", bad);
    if (bad || !needle || c.site.args.positional.size() > 1) return c.unknown(std::string(m) + "() not modelled here");
    if (!is_ascii(s)) return c.unknown(std::string(m) + "() on non-ASCII text is not modelled");
    if (m == "count") {
      if (needle->empty()) return c.integer(static_cast<std::int64_t>(s.size() + 1));
      std::int64_t n = 0;
      for (std::size_t at = s.find(*needle); at != std::string::npos; at = s.find(*needle, at + needle->size())) ++n;
      return c.integer(n);
    }
    const std::size_t at = (m == "find" || m == "index") ? s.find(*needle) : s.rfind(*needle);
    if (at == std::string::npos) {
      if (m == "index" || m == "rindex") return c.raise(PyException::value_error, "substring not found (ValueError)");
      return c.integer(-1);
    }
    return c.integer(static_cast<std::int64_t>(at));
  }
  if (m == "partition" || m == "rpartition") {
    const auto sep = c.string_arg(0, "", bad);
    if (bad || !sep || sep->empty()) return c.unknown("partition() with an unknown separator");
    const std::size_t at = m == "partition" ? s.find(*sep) : s.rfind(*sep);
    Value tuple = Value::tuple({});
    if (at == std::string::npos) {
      if (m == "partition")
        tuple.items = {Value::from_string(s), Value::from_string(""), Value::from_string("")};
      else
        tuple.items = {Value::from_string(""), Value::from_string(""), Value::from_string(s)};
    } else {
      tuple.items = {Value::from_string(s.substr(0, at)), Value::from_string(*sep),
                     Value::from_string(s.substr(at + sep->size()))};
    }
    for (Value& item : tuple.items) carry_env(item, c.receiver, c.step());
    return c.result(std::move(tuple));
  }
  if (m == "removeprefix" || m == "removesuffix") {
    const auto affix = c.string_arg(0, "", bad);
    if (bad || !affix) return c.unknown("removeprefix()/removesuffix() of an unknown affix");
    if (m == "removeprefix" && s.starts_with(*affix)) return c.text(s.substr(affix->size()));
    if (m == "removesuffix" && !affix->empty() && s.ends_with(*affix))
      return c.text(s.substr(0, s.size() - affix->size()));
    return c.text(s);
  }
  if (m == "isdigit" || m == "isdecimal" || m == "isnumeric") {
    if (!is_ascii(s)) return c.unknown("digit tests on non-ASCII text are not modelled");
    return c.boolean(!s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; }));
  }
  if (m == "isupper" || m == "islower") {
    // Python: at least one cased character, and no cased character of the other case.
    if (!is_ascii(s)) return c.unknown("case tests on non-ASCII text are not modelled");
    const bool upper = m == "isupper";
    bool cased = false;
    for (const char ch : s) {
      const bool is_upper = ch >= 'A' && ch <= 'Z';
      const bool is_lower = ch >= 'a' && ch <= 'z';
      if ((upper && is_lower) || (!upper && is_upper)) return c.boolean(false);
      cased = cased || is_upper || is_lower;
    }
    return c.boolean(cased);
  }
  if (m == "encode") {
    const auto encoding = c.string_arg(0, "encoding", bad);
    if (bad || (encoding && *encoding != "utf-8" && *encoding != "utf8" && *encoding != "UTF-8"))
      return c.unknown("encode() with another encoding");
    Value bytes;
    bytes.kind = Kind::bytes;
    bytes.text = s;
    return c.result(std::move(bytes));
  }
  return std::nullopt;
}

}  // namespace

std::optional<MethodResult> call_string_method(CallSite& site, const ValuePtr& receiver, std::string_view method) {
  StringCall call{site, *receiver, method};
  if (receiver->kind == Kind::bytes) {
    if (method == "decode") {
      bool bad = false;
      const auto encoding = call.string_arg(0, "encoding", bad);
      if (bad || (encoding && *encoding != "utf-8" && *encoding != "utf8"))
        return call.unknown("decode() with another encoding");
      return call.text(receiver->text);
    }
    return std::nullopt;
  }
  return string_method(call);
}

std::optional<std::string> format_field(const Value& value, char conversion) {
  if (is_object(value, "instance", "environ.Path"))
    if (const Value* root = attribute_entry(value, "root"))
      return conversion == 'r' ? std::nullopt : std::optional(root->text);
  switch (conversion) {
    case 'r': return to_repr(value);
    case 'a': {
      auto repr = to_repr(value);
      if (repr && !is_ascii(*repr)) return std::nullopt;
      return repr;
    }
    default: return to_str(value);
  }
}

void add_string_handlers(HandlerTable& table) { (void)table; }

}  // namespace deployctl::checks::settings::eval
