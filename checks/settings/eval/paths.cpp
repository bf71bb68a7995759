// pathlib and os.path, lexically. `Path(__file__).resolve().parent.parent` works because __file__ is
// absolute; a relative path made absolute would depend on the working directory, so it stays unknown.
#include "checks/settings/eval/paths.hpp"

#include <vector>

#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/library.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace {

using Kind = Value::Kind;

struct SplitPath {
  std::string root;                // "", "/" or "//"
  std::vector<std::string> parts;  // without "" and "."
};

SplitPath split_path(std::string_view text) {
  SplitPath out;
  if (text.starts_with("//") && !text.starts_with("///"))
    out.root = "//";
  else if (text.starts_with("/"))
    out.root = "/";
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t slash = text.find('/', start);
    const std::string_view part = text.substr(start, slash == std::string_view::npos ? text.npos : slash - start);
    if (!part.empty() && part != ".") out.parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

std::string join_split(const SplitPath& path) {
  std::string out = path.root;
  for (std::size_t i = 0; i < path.parts.size(); ++i) {
    if (i) out += '/';
    out += path.parts[i];
  }
  return out.empty() ? "." : out;
}

ValuePtr path_result(CallSite& site, std::string text, const Value* source, std::string_view step, bool as_path) {
  Value out =
      as_path ? Value::from_path(std::move(text), site.origin) : Value::from_string(std::move(text), site.origin);
  if (source) carry_env(out, *source, step);
  return finish(site.frame, std::move(out));
}

// The path-like arguments as text; nullopt (with the unknown one in `cause`) when one is not known.
std::optional<std::vector<std::string>> path_arguments(const CallSite& site, const Value*& cause, const Value*& env) {
  std::vector<std::string> out;
  for (const ValuePtr& arg : site.args.positional) {
    if (!env && arg->env) env = arg.get();
    const auto text = path_text(*arg);
    if (!text) {
      cause = arg.get();
      return std::nullopt;
    }
    out.push_back(*text);
  }
  return out;
}

ValuePtr not_path_like(CallSite& site, const Value* cause) {
  if (cause && !cause->is_known()) return unknown_from(*cause, site.origin, site.qualname + "()");
  if (site.args.unexpanded)
    return unknown_value(site.qualname + "() of arguments the evaluator cannot expand", site.origin);
  return raise_unknown(site.frame, PyException::type_error,
                       site.qualname + "() of a value that is not a path (TypeError)", site.origin);
}

ValuePtr new_path(CallSite& site) {
  const Value* cause = nullptr;
  const Value* env = nullptr;
  const auto parts = path_arguments(site, cause, env);
  if (!parts || site.args.unexpanded) return not_path_like(site, cause);
  std::string joined;
  for (const std::string& part : *parts) joined = join_path(joined, part);
  return path_result(site, pure_path(joined), env, "Path()", true);
}

ValuePtr os_path_join(CallSite& site) {
  const Value* cause = nullptr;
  const Value* env = nullptr;
  const auto parts = path_arguments(site, cause, env);
  if (!parts || parts->empty()) return not_path_like(site, cause);
  std::string joined = parts->front();
  for (std::size_t i = 1; i < parts->size(); ++i) joined = join_path(joined, (*parts)[i]);
  return path_result(site, std::move(joined), env, "os.path.join()", false);
}

// os.path.<f>(p) for the one-argument functions that are pure text operations.
template <std::string (*Function)(std::string_view)>
ValuePtr os_path_unary(CallSite& site) {
  const Value* cause = nullptr;
  const Value* env = nullptr;
  const auto parts = path_arguments(site, cause, env);
  if (!parts || parts->size() != 1) return not_path_like(site, cause);
  return path_result(site, Function(parts->front()), env, site.qualname + "()", false);
}

std::string normpath_text(std::string_view text) { return normalize_path(text); }
std::string dirname_text(std::string_view text) { return os_dirname(text); }
std::string basename_text(std::string_view text) { return os_basename(text); }

ValuePtr os_path_absolute(CallSite& site) {
  const Value* cause = nullptr;
  const Value* env = nullptr;
  const auto parts = path_arguments(site, cause, env);
  if (!parts || parts->size() != 1) return not_path_like(site, cause);
  if (!parts->front().starts_with('/'))
    return unknown_value(site.qualname + "() of a relative path depends on the working directory", site.origin);
  return path_result(site, normalize_path(parts->front()), env, site.qualname + "()", false);
}

ValuePtr os_path_expanduser(CallSite& site) {
  const Value* cause = nullptr;
  const Value* env = nullptr;
  const auto parts = path_arguments(site, cause, env);
  if (!parts || parts->size() != 1) return not_path_like(site, cause);
  if (parts->front().starts_with('~')) return unknown_value("expanduser() depends on the home directory", site.origin);
  return path_result(site, parts->front(), env, "os.path.expanduser()", false);
}

ValuePtr os_path_splitext(CallSite& site) {
  const Value* cause = nullptr;
  const Value* env = nullptr;
  const auto parts = path_arguments(site, cause, env);
  if (!parts || parts->size() != 1) return not_path_like(site, cause);
  const std::string& p = parts->front();
  const std::size_t slash = p.rfind('/');
  std::size_t dot = p.rfind('.');
  const std::size_t name_start = slash == std::string::npos ? 0 : slash + 1;
  // A leading dot (".bashrc") is not an extension.
  std::size_t first_non_dot = name_start;
  while (first_non_dot < p.size() && p[first_non_dot] == '.') ++first_non_dot;
  if (dot == std::string::npos || dot < first_non_dot) dot = p.size();
  Value tuple = Value::tuple(
      {Value::from_string(p.substr(0, dot), site.origin), Value::from_string(p.substr(dot), site.origin)}, site.origin);
  return finish(site.frame, std::move(tuple));
}

ValuePtr os_fspath(CallSite& site) {
  const ValuePtr arg = site.args.get(0, "path");
  if (!arg) return not_path_like(site, nullptr);
  const auto text = path_text(*arg);
  if (!text) return not_path_like(site, arg.get());
  return path_result(site, *text, arg.get(), "os.fspath()", false);
}

}  // namespace

std::string pure_path(std::string_view text) { return join_split(split_path(text)); }

std::string join_path(std::string_view base, std::string_view part) {
  if (part.starts_with('/') || base.empty()) return std::string(part);
  std::string out(base);
  if (!out.ends_with('/')) out += '/';
  out += part;
  return out;
}

std::string normalize_path(std::string_view text) {
  if (text.empty()) return ".";
  SplitPath split = split_path(text);
  std::vector<std::string> kept;
  for (std::string& part : split.parts) {
    if (part == "..") {
      if (!kept.empty() && kept.back() != "..")
        kept.pop_back();
      else if (split.root.empty())
        kept.push_back(part);
      continue;  // '..' at the root stays at the root
    }
    kept.push_back(std::move(part));
  }
  split.parts = std::move(kept);
  return join_split(split);
}

std::string path_parent(std::string_view pure) {
  SplitPath split = split_path(pure);
  if (split.parts.empty()) return join_split(split);
  split.parts.pop_back();
  return join_split(split);
}

std::string path_name(std::string_view pure) {
  const SplitPath split = split_path(pure);
  return split.parts.empty() ? std::string() : split.parts.back();
}

std::string os_dirname(std::string_view text) {
  const std::size_t cut = text.rfind('/');
  if (cut == std::string_view::npos) return {};
  std::string head(text.substr(0, cut + 1));
  if (head.find_first_not_of('/') != std::string::npos)
    while (head.ends_with('/')) head.pop_back();
  return head;
}

std::string os_basename(std::string_view text) {
  const std::size_t cut = text.rfind('/');
  return std::string(cut == std::string_view::npos ? text : text.substr(cut + 1));
}

std::optional<std::string> path_text(const Value& value) {
  if (value.kind == Kind::string || value.kind == Kind::path) return value.text;
  if (is_object(value, "instance", "environ.Path"))
    if (const Value* root = attribute_entry(value, "root")) return root->text;
  return std::nullopt;
}

std::optional<ValuePtr> path_attribute(Frame& frame, const ValuePtr& path, std::string_view attr,
                                       const Origin& origin) {
  const std::string name = path_name(path->text);
  const std::size_t dot = name.rfind('.');
  const bool has_suffix = dot != std::string::npos && dot > 0 && dot + 1 < name.size();
  Value out;
  const std::string step = "." + std::string(attr);
  if (attr == "parent") {
    out = Value::from_path(path_parent(path->text), origin);
  } else if (attr == "name") {
    out = Value::from_string(name, origin);
  } else if (attr == "suffix") {
    out = Value::from_string(has_suffix ? name.substr(dot) : std::string(), origin);
  } else if (attr == "stem") {
    out = Value::from_string(has_suffix ? name.substr(0, dot) : name, origin);
  } else if (attr == "parents") {
    out = Value::tuple({}, origin);
    std::string current = path->text;
    for (std::string parent = path_parent(current); parent != current; parent = path_parent(current)) {
      out.items.push_back(Value::from_path(parent, origin));
      current = parent;
    }
  } else if (attr == "parts") {
    const SplitPath split = split_path(path->text);
    out = Value::tuple({}, origin);
    if (!split.root.empty()) out.items.push_back(Value::from_string(split.root, origin));
    for (const std::string& part : split.parts) out.items.push_back(Value::from_string(part, origin));
  } else {
    return std::nullopt;
  }
  carry_env(out, *path, step);
  return finish(frame, std::move(out));
}

std::optional<ValuePtr> call_path_method(CallSite& site, const ValuePtr& path, std::string_view method) {
  const std::string& text = path->text;
  const std::string step = "." + std::string(method) + "()";
  if (method == "resolve" || method == "absolute") {
    if (!text.starts_with('/'))
      return unknown_value("Path." + std::string(method) + "() of a relative path depends on the working directory",
                           site.origin);
    return path_result(site, method == "resolve" ? normalize_path(text) : text, path.get(), step, true);
  }
  if (method == "joinpath") {
    std::string joined = text;
    for (const ValuePtr& arg : site.args.positional) {
      const auto part = path_text(*arg);
      if (!part) return not_path_like(site, arg.get());
      joined = join_path(joined, *part);
    }
    return path_result(site, pure_path(joined), path.get(), step, true);
  }
  if (method == "as_posix" || method == "__str__" || method == "__fspath__")
    return path_result(site, text, path.get(), step, false);
  if (method == "expanduser") {
    if (text.starts_with('~')) return unknown_value("expanduser() depends on the home directory", site.origin);
    return path_result(site, text, path.get(), step, true);
  }
  if (method == "with_name" || method == "with_suffix") {
    const ValuePtr arg = site.args.get(0, "");
    if (!arg || arg->kind != Kind::string)
      return unknown_value("Path." + std::string(method) + "() of an unknown value", site.origin);
    const std::string parent = path_parent(text);
    std::string name = path_name(text);
    if (name.empty())
      return raise_unknown(site.frame, PyException::value_error, "the path has an empty name", site.origin);
    if (method == "with_name")
      name = arg->text;
    else {
      const std::size_t dot = name.rfind('.');
      if (dot != std::string::npos && dot > 0 && dot + 1 < name.size()) name.resize(dot);
      name += arg->text;
    }
    return path_result(site, pure_path(join_path(parent, name)), path.get(), step, true);
  }
  return std::nullopt;
}

ValuePtr path_division(Frame& frame, const ValuePtr& left, const ValuePtr& right, const Origin& origin) {
  if (!left->is_known() || !right->is_known()) {
    const Value& cause = left->is_known() ? *right : *left;
    return unknown_from(cause, origin, "/ ...");
  }
  const auto base = path_text(*left);
  const auto part = path_text(*right);
  if (!base || !part)
    return raise_unknown(frame, PyException::type_error, "'/' between a path and a non-path (TypeError)", origin);
  Value out = Value::from_path(pure_path(join_path(*base, *part)), origin);
  if (const Value* source = env_source({left.get(), right.get()})) carry_env(out, *source, "/ " + step_operand(*right));
  return finish(frame, std::move(out));
}

void add_path_handlers(HandlerTable& table) {
  for (const char* name : {"pathlib.Path", "pathlib.PosixPath", "pathlib.PurePath", "pathlib.PurePosixPath"})
    table.emplace(name, &new_path);
  table.emplace("os.path.join", &os_path_join);
  table.emplace("os.path.dirname", &os_path_unary<&dirname_text>);
  table.emplace("os.path.basename", &os_path_unary<&basename_text>);
  table.emplace("os.path.normpath", &os_path_unary<&normpath_text>);
  table.emplace("os.path.abspath", &os_path_absolute);
  table.emplace("os.path.realpath", &os_path_absolute);
  table.emplace("os.path.expanduser", &os_path_expanduser);
  table.emplace("os.path.splitext", &os_path_splitext);
  table.emplace("os.fspath", &os_fspath);
}

}  // namespace deployctl::checks::settings::eval
