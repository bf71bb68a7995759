// The one table of library names the evaluator models, the registry of call handlers filled by each
// library's file, and attribute access on library objects.
#include "checks/settings/eval/library.hpp"

#include <algorithm>
#include <array>

#include "checks/settings/eval/configurations.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace {

// Library members that are not plain functions (functions are known from their handlers).
struct Member {
  std::string_view qualname;
  std::string_view category;  // module, class, instance, string (a constant str)
  std::string_view type;      // instances: their type; strings: the value
};

constexpr Member members[] = {
    {"os", "module", ""},
    {"os.path", "module", ""},
    {"os.environ", "instance", "os.environ"},
    {"os.sep", "string", "/"},
    {"os.curdir", "string", "."},
    {"os.pardir", "string", ".."},
    {"sys", "module", ""},
    {"pathlib", "module", ""},
    {"pathlib.Path", "class", ""},
    {"pathlib.PosixPath", "class", ""},
    {"pathlib.PurePath", "class", ""},
    {"pathlib.PurePosixPath", "class", ""},
    {"json", "module", ""},
    {"urllib", "module", ""},
    {"urllib.parse", "module", ""},
    {"environ", "module", ""},
    {"environ.environ", "module", ""},
    {"environ.Env", "class", ""},
    {"environ.Path", "class", ""},
    {"environ.environ.Env", "class", ""},
    {"environ.environ.Path", "class", ""},
    {"decouple", "module", ""},
    {"decouple.config", "instance", "decouple.AutoConfig"},
    {"decouple.AutoConfig", "class", ""},
    {"decouple.Config", "class", ""},
    {"decouple.RepositoryEnv", "class", ""},
    {"decouple.RepositoryIni", "class", ""},
    {"decouple.RepositoryEmpty", "class", ""},
    {"decouple.Csv", "class", ""},
    {"decouple.Choices", "class", ""},
    {"decouple.UndefinedValueError", "class", ""},
    {"dj_database_url", "module", ""},
    {"split_settings", "module", ""},
    {"split_settings.tools", "module", ""},
    {"dotenv", "module", ""},
    {"configurations", "module", ""},
    {"configurations.Configuration", "class", ""},
    {"configurations.values", "module", ""},
    {"django", "module", ""},
    {"django.core", "module", ""},
    {"django.core.management", "module", ""},
    {"django.core.management.utils", "module", ""},
    {"django.core.exceptions", "module", ""},
    {"django.core.exceptions.ImproperlyConfigured", "class", ""},
    {"django.utils", "module", ""},
    {"django.utils.crypto", "module", ""},
};

// Top-level packages whose import cannot fail for a settings module that Django can load: the standard
// library (the part settings use) and the libraries modelled above.
constexpr std::array<std::string_view, 69> always_importable = {"abc",          "argparse",
                                                                "ast",          "base64",
                                                                "builtins",     "collections",
                                                                "configparser", "contextlib",
                                                                "copy",         "csv",
                                                                "datetime",     "decimal",
                                                                "django",       "email",
                                                                "enum",         "errno",
                                                                "fnmatch",      "functools",
                                                                "getpass",      "glob",
                                                                "hashlib",      "hmac",
                                                                "http",         "importlib",
                                                                "inspect",      "io",
                                                                "ipaddress",    "itertools",
                                                                "json",         "locale",
                                                                "logging",      "math",
                                                                "mimetypes",    "multiprocessing",
                                                                "operator",     "os",
                                                                "pathlib",      "pickle",
                                                                "platform",     "posixpath",
                                                                "pprint",       "random",
                                                                "re",           "secrets",
                                                                "shlex",        "shutil",
                                                                "signal",       "socket",
                                                                "ssl",          "stat",
                                                                "string",       "struct",
                                                                "subprocess",   "sys",
                                                                "sysconfig",    "tempfile",
                                                                "textwrap",     "threading",
                                                                "time",         "traceback",
                                                                "types",        "typing",
                                                                "unittest",     "urllib",
                                                                "uuid",         "warnings",
                                                                "zoneinfo",     "zlib",
                                                                "__future__"};

// Libraries modelled here: a settings module using them fails at import time without them, so their
// import is taken to succeed as well.
constexpr std::array<std::string_view, 6> modelled_packages = {"configurations",  "environ",        "decouple",
                                                               "dj_database_url", "split_settings", "dotenv"};

const Member* find_member(std::string_view qualname) {
  for (const Member& member : members)
    if (member.qualname == qualname) return &member;
  return nullptr;
}

const HandlerTable& handlers() {
  static const HandlerTable table = [] {
    HandlerTable t;
    add_builtin_handlers(t);
    add_string_handlers(t);
    add_os_environ_handlers(t);
    add_path_handlers(t);
    add_django_environ_handlers(t);
    add_decouple_handlers(t);
    add_dj_database_url_handlers(t);
    add_split_settings_handlers(t);
    add_misc_library_handlers(t);
    add_configurations_handlers(t);
    return t;
  }();
  return table;
}

constexpr std::array<std::string_view, 16> builtin_classes = {
    "bool",      "int",   "str",    "float", "list",  "tuple",     "dict", "set",
    "frozenset", "bytes", "object", "type",  "range", "enumerate", "zip",  "reversed"};

constexpr std::array<std::string_view, 27> builtin_exceptions = {
    "BaseException",   "Exception",         "ImportError",      "ModuleNotFoundError", "KeyError",
    "ValueError",      "TypeError",         "AttributeError",   "IndexError",          "LookupError",
    "OSError",         "IOError",           "EnvironmentError", "FileNotFoundError",   "RuntimeError",
    "NameError",       "ZeroDivisionError", "ArithmeticError",  "NotImplementedError", "UnicodeDecodeError",
    "PermissionError", "RecursionError",    "Warning",          "DeprecationWarning",  "UserWarning",
    "SystemExit",      "AssertionError"};

constexpr std::array<std::string_view, 39> builtin_functions = {
    "dir",     "len",     "sorted",  "min",        "max",        "sum",      "any",        "all",
    "abs",     "round",   "repr",    "print",      "isinstance", "map",      "filter",     "open",
    "getattr", "hasattr", "setattr", "vars",       "globals",    "locals",   "id",         "hash",
    "format",  "ord",     "chr",     "iter",       "next",       "callable", "issubclass", "exec",
    "eval",    "compile", "input",   "__import__", "divmod",     "pow",      "hex"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& table, std::string_view name) {
  return std::find(table.begin(), table.end(), name) != table.end();
}

ValuePtr member_value(const Member& member, const Origin& origin) {
  if (member.category == "string") return share(Value::from_string(std::string(member.type), origin));
  if (member.category == "instance") return share(make_object("instance", member.type, origin));
  return share(make_object(member.category, member.qualname, origin));
}

}  // namespace

CallHandler find_handler(std::string_view qualname) {
  const auto& table = handlers();
  const auto it = table.find(qualname);
  return it == table.end() ? nullptr : it->second;
}

ValuePtr builtin_value(std::string_view name, const Origin& origin) {
  if (listed(builtin_classes, name) || listed(builtin_exceptions, name))
    return share(make_object("class", name, origin));
  if (listed(builtin_functions, name)) return share(make_object("function", name, origin));
  return nullptr;
}

ValuePtr library_module(std::string_view dotted, const Origin& origin) {
  return share(make_object("module", dotted, origin));
}

bool library_import_succeeds(std::string_view dotted) {
  const std::string_view top = dotted.substr(0, dotted.find('.'));
  return listed(always_importable, top) || listed(modelled_packages, top);
}

ValuePtr library_member(Frame& frame, const ValuePtr& object, std::string_view attr, const Origin& origin) {
  (void)frame;
  const std::string_view category = object_category(*object);
  const std::string_view name = object_name(*object);
  const std::string qualname = std::string(name) + "." + std::string(attr);
  if (category == "instance") {
    if (find_handler(qualname)) {
      Value method = make_object("method", qualname, origin);
      method.items.push_back(*object);
      return share(std::move(method));
    }
    if (const Value* property = attribute_entry(*object, attr)) {
      Value copy = *property;
      return share(std::move(copy));
    }
  } else if (category == "module" || category == "class") {
    if (const Member* member = find_member(qualname)) return member_value(*member, origin);
    if (find_handler(qualname)) return share(make_object("function", qualname, origin));
  }
  Value out = Value::unknown(qualname + " is not modelled by deployctl", origin);
  out.text = qualname;
  return share(std::move(out));
}

}  // namespace deployctl::checks::settings::eval
