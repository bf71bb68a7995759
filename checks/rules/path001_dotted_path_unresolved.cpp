// PATH001 dotted-path-unresolved: a setting names a module or class of the project by dotted path (MIDDLEWARE,
// INSTALLED_APPS, ROOT_URLCONF, WSGI_APPLICATION, backends, ...) and the project has no such module, or the
// module does not define the name. Looked up in the source tree, never imported; paths into installed packages
// are not judged.
#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "checks/rules/rule.hpp"
#include "checks/settings/project_modules.hpp"

namespace deployctl::checks::rules {

namespace {

using settings::ProjectModule;
using settings::Value;

enum class Form {
  module,     // import_module(path): ROOT_URLCONF, SESSION_ENGINE
  attribute,  // import_string(path): the module, then a name in it
  app,        // INSTALLED_APPS: a module, else an AppConfig class (module.Class)
};

enum class Shape { single, list, template_processors, validator_names };

struct PathSetting {
  std::string_view name;
  Shape shape;
  Form form;
  std::string_view consequence;  // what fails at runtime, after "so "
};

constexpr std::array<PathSetting, 17> path_settings = {{
    {"INSTALLED_APPS", Shape::list, Form::app,
     "django.setup() raises ImportError: the app and every manage.py command "
     "fail to start"},
    {"MIDDLEWARE", Shape::list, Form::attribute, "loading the middleware raises ImportError: the app cannot start"},
    {"ROOT_URLCONF", Shape::single, Form::module, "resolving a URL raises ImportError: every request fails"},
    {"WSGI_APPLICATION", Shape::single, Form::attribute,
     "loading the WSGI application raises ImportError: runserver and every server that takes the app from "
     "WSGI_APPLICATION cannot start"},
    {"ASGI_APPLICATION", Shape::single, Form::attribute,
     "loading the ASGI application raises ImportError: Channels' runserver and servers that take the app from "
     "ASGI_APPLICATION cannot start"},
    {"AUTHENTICATION_BACKENDS", Shape::list, Form::attribute,
     "authenticate() raises ImportError: every login fails, and so does every permission check"},
    {"AUTH_PASSWORD_VALIDATORS", Shape::validator_names, Form::attribute,
     "validating a password raises ImportError: sign-ups and password changes fail"},
    {"PASSWORD_HASHERS", Shape::list, Form::attribute,
     "loading the hashers raises ImportError: every login and password change fails"},
    {"TEMPLATES", Shape::template_processors, Form::attribute,
     "rendering a template with a request raises ImportError: every page rendered that way fails"},
    {"DATABASE_ROUTERS", Shape::list, Form::attribute, "the first database query raises ImportError"},
    {"FILE_UPLOAD_HANDLERS", Shape::list, Form::attribute, "every upload raises ImportError"},
    {"EMAIL_BACKEND", Shape::single, Form::attribute, "sending mail raises ImportError"},
    {"SESSION_ENGINE", Shape::single, Form::module, "every request that touches the session raises ImportError"},
    {"SESSION_SERIALIZER", Shape::single, Form::attribute, "every request that touches the session raises ImportError"},
    {"MESSAGE_STORAGE", Shape::single, Form::attribute, "every request through MessageMiddleware raises ImportError"},
    {"CSRF_FAILURE_VIEW", Shape::single, Form::attribute,
     "a request that fails the CSRF check raises ImportError instead of getting its 403"},
    {"DEFAULT_EXCEPTION_REPORTER_FILTER", Shape::single, Form::attribute,
     "reporting an error raises ImportError, so errors go unreported"},
}};

std::string project_relative(const std::filesystem::path& file, const std::filesystem::path& project_dir) {
  return file.lexically_relative(project_dir).generic_string();
}

// Why `path` cannot be loaded, or "" when it can, or when that cannot be known.
class Resolver {
 public:
  explicit Resolver(const std::filesystem::path& project_dir) : project_dir_(project_dir) {}

  std::string problem(std::string_view path, Form form) const {
    const ProjectModule module = settings::find_project_module(project_dir_, path);
    if (module.kind == ProjectModule::Kind::outside) return {};
    if (form == Form::module) return module.kind == ProjectModule::Kind::missing ? no_module(path) : std::string();
    if (form == Form::app && module.kind != ProjectModule::Kind::missing) return {};
    // module.Name: a class or callable of a module (an app given as its AppConfig class too).
    const std::size_t dot = path.rfind('.');
    if (dot == std::string_view::npos) return form == Form::app ? no_module(path) : std::string();
    const std::string_view parent = path.substr(0, dot);
    const std::string_view name = path.substr(dot + 1);
    const ProjectModule owner = settings::find_project_module(project_dir_, parent);
    if (owner.kind == ProjectModule::Kind::missing) return no_module(form == Form::app ? path : parent);
    if (owner.kind != ProjectModule::Kind::source) return {};
    if (defines(owner, parent, name)) return {};
    const std::string file = project_relative(owner.file, project_dir_);
    if (form == Form::app)
      return "the project has no module '" + std::string(path) + "', and " + file + " defines no '" +
             std::string(name) + "' (an AppConfig) either";
    return file + " (the module '" + std::string(parent) + "') defines no '" + std::string(name) + "'";
  }

 private:
  std::filesystem::path project_dir_;

  static std::string no_module(std::string_view module) {
    return "the project has no module '" + std::string(module) + "'";
  }

  // Whether `owner` may have `name`: bound at its top level, bound unseen, or a submodule of the package.
  bool defines(const ProjectModule& owner, std::string_view module, std::string_view name) const {
    const auto names = settings::module_names(owner.file);
    if (!names || names->open || names->names.contains(name)) return true;
    const ProjectModule sub =
        settings::find_project_module(project_dir_, std::string(module) + "." + std::string(name));
    return sub.kind != ProjectModule::Kind::missing && sub.kind != ProjectModule::Kind::outside;
  }
};

void check_entry(const Value& entry, const PathSetting& setting, const std::string& where, const Resolver& resolver,
                 FindingSink& sink) {
  if (!entry.is_string() || entry.text.empty()) return;  // unknown entries are not judged
  const std::string problem = resolver.problem(entry.text, setting.form);
  if (problem.empty()) return;
  sink.report(
      where + " '" + entry.text + "' cannot be loaded: " + problem + ", so " + std::string(setting.consequence) + ".",
      entry.origin, std::string(setting.name));
}

void check_list(const Value& list, const PathSetting& setting, const Resolver& resolver, FindingSink& sink) {
  if (!list.is_sequence()) return;
  for (const Value& item : list.items) check_entry(item, setting, std::string(setting.name) + " entry", resolver, sink);
}

void check(const RuleContext& context, FindingSink& sink) {
  const settings::SettingsModel& model = context.settings;
  if (model.project_dir.empty()) return;
  const Resolver resolver(model.project_dir);
  for (const PathSetting& setting : path_settings) {
    const Value* value = model.get(setting.name);
    if (!value) continue;  // Django's defaults name Django's own modules
    switch (setting.shape) {
      case Shape::single: check_entry(*value, setting, std::string(setting.name), resolver, sink); break;
      case Shape::list: check_list(*value, setting, resolver, sink); break;
      case Shape::validator_names:
        if (value->is_sequence())
          for (const Value& validator : value->items)
            if (const Value* name = validator.get("NAME"))
              check_entry(*name, setting, "AUTH_PASSWORD_VALIDATORS NAME", resolver, sink);
        break;
      case Shape::template_processors:
        if (value->is_sequence())
          for (const Value& engine : value->items)
            if (const Value* options = engine.get("OPTIONS"))
              if (const Value* processors = options->get("context_processors"); processors && processors->is_sequence())
                for (const Value& processor : processors->items)
                  check_entry(processor, setting, "TEMPLATES context processor", resolver, sink);
        break;
    }
  }
}

}  // namespace

extern const Rule path001_dotted_path_unresolved{
    RuleInfo{
        .id = "PATH001",
        .name = "dotted-path-unresolved",
        .severity = Severity::error,
        .summary = "A setting names a module or class of the project by dotted path that does not exist, so the app "
                   "cannot start (or fails where Django loads it).",
        .rationale =
            "Django imports the dotted paths of its settings as it needs them: INSTALLED_APPS in django.setup(), "
            "MIDDLEWARE when the handler loads, ROOT_URLCONF on the first request, AUTHENTICATION_BACKENDS at the "
            "first login. A path that names a module the project does not have, or a class its module does not "
            "define (a renamed middleware, a moved app, a typo), passes code review and the tests that use other "
            "settings, and breaks the deploy: ImportError at start-up or on the first request that needs it.",
        .fix = "Correct the path to the module or class as it is now in the source tree (e.g. after a rename), or "
               "restore the module. `python manage.py check` with the production settings imports INSTALLED_APPS and "
               "ROOT_URLCONF and shows the same error for them; the other paths fail only when first used.",
        .example_fires = "# shop/__init__.py\n"
                         "# shop/middleware.py\n"
                         "class RequestTimingMiddleware:\n"
                         "    def __init__(self, get_response):\n"
                         "        self.get_response = get_response\n"
                         "# mysite/settings.py\n"
                         "MIDDLEWARE = [\n"
                         "    'django.middleware.security.SecurityMiddleware',\n"
                         "    'shop.middleware.TimingMiddleware',\n"
                         "]\n",
        .example_passes = "# shop/__init__.py\n"
                          "# shop/middleware.py\n"
                          "class RequestTimingMiddleware:\n"
                          "    def __init__(self, get_response):\n"
                          "        self.get_response = get_response\n"
                          "# mysite/settings.py\n"
                          "MIDDLEWARE = [\n"
                          "    'django.middleware.security.SecurityMiddleware',\n"
                          "    'shop.middleware.RequestTimingMiddleware',\n"
                          "]\n",
        .django_check = "",
        .notes = "Judges only paths whose first component is a regular package or module in the project dir (or its "
                 "src/): a path into an installed package, or into a bare directory at the top (which a package "
                 "installed elsewhere would win over), is not judged. A module is read, never imported: names bound "
                 "at its top level, in top-level if/try/for/with blocks, by imports and by `global` count as "
                 "defined, and a module that may bind names unseen (a star import, globals(), setattr, a module "
                 "__getattr__) is taken to define anything. Entries whose value the analysis cannot know are not "
                 "judged. INSTALLED_APPS entries may also be AppConfig classes (module.ClassName).",
    },
    check,
};

}  // namespace deployctl::checks::rules
