// Project functions and classes. A call runs the body in a scope of its own whose parent is where the
// module's globals stand at the call, so helpers like `def envbool(name, default): ...` give the value the
// settings would get; writes to globals (`global X`, `LIST.append(...)`) reach the caller's module.
#include "checks/settings/eval/project_code.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "checks/settings/eval/configurations.hpp"
#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/merge.hpp"
#include "checks/settings/eval/statements.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace py = python;

namespace {

std::string definition_key(const Origin& origin) {
  return origin.file + ":" + std::to_string(origin.position.line) + ":" + std::to_string(origin.position.column);
}

std::string where(const ProjectDefinition& definition) {
  return definition.file + ":" + std::to_string(definition.origin.position.line);
}

std::string qualified(const Frame& frame, const std::string& name) {
  return frame.module.name.empty() ? name : frame.module.name + "." + name;
}

void register_definition(Frame& frame, std::shared_ptr<ProjectDefinition> definition, const std::string& category) {
  const Value object = make_object(category, definition->qualname, definition->origin);
  frame.run.definitions[definition_key(definition->origin)] = definition;
  const std::string name = definition->function ? definition->function->name : definition->cls->name;
  frame.bind(name, share(object));
}

// Names `global` declares anywhere in a function body (not in nested defs, which have their own).
void global_names(const py::Block& block, std::set<std::string>& out) {
  for (const py::StmtPtr& statement : block) {
    if (!statement) continue;
    if (const auto* global = py::as<py::Global>(statement))
      out.insert(global->names.begin(), global->names.end());
    else if (const auto* branch = py::as<py::If>(statement)) {
      global_names(branch->body, out);
      global_names(branch->orelse, out);
    } else if (const auto* loop = py::as<py::For>(statement)) {
      global_names(loop->body, out);
      global_names(loop->orelse, out);
    } else if (const auto* attempt = py::as<py::Try>(statement)) {
      global_names(attempt->body, out);
      for (const auto& handler : attempt->handlers) global_names(handler.body, out);
      global_names(attempt->orelse, out);
      global_names(attempt->finalbody, out);
    }
  }
}

// Binds the call's arguments to the parameters the way Python does; a reason when they do not fit.
std::string bind_arguments(const ProjectDefinition& definition, Arguments& args, Scope& locals, const Origin& origin) {
  const std::vector<py::Parameter>& parameters = definition.function->parameters;
  if (args.unexpanded) return "it is called with *args or **kwargs whose contents are unknown";
  std::size_t next = 0;
  std::vector<Value> extra_positional;
  std::set<std::string> bound;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const py::Parameter& parameter = parameters[i];
    if (parameter.kind == py::ParameterKind::positional && next < args.positional.size()) {
      locals.set(parameter.name, args.positional[next++]);
      bound.insert(parameter.name);
    } else if (parameter.kind == py::ParameterKind::var_positional) {
      for (; next < args.positional.size(); ++next) extra_positional.push_back(*args.positional[next]);
      locals.set(parameter.name, share(Value::tuple(std::move(extra_positional), origin)));
      bound.insert(parameter.name);
    }
  }
  if (next < args.positional.size()) return "it is called with more positional arguments than it takes (TypeError)";
  std::vector<std::pair<Value, Value>> extra_keywords;
  const auto var_keyword = std::find_if(parameters.begin(), parameters.end(), [](const py::Parameter& parameter) {
    return parameter.kind == py::ParameterKind::var_keyword;
  });
  for (const auto& [name, value] : args.keywords) {
    const auto parameter = std::find_if(parameters.begin(), parameters.end(), [&](const py::Parameter& candidate) {
      return candidate.name == name &&
             (candidate.kind == py::ParameterKind::positional || candidate.kind == py::ParameterKind::keyword_only);
    });
    if (parameter != parameters.end()) {
      if (!bound.insert(name).second) return "it gets argument '" + name + "' twice (TypeError)";
      locals.set(name, value);
    } else if (var_keyword != parameters.end()) {
      extra_keywords.emplace_back(Value::from_string(name, origin), *value);
    } else {
      return "it takes no argument '" + name + "' (TypeError)";
    }
  }
  if (var_keyword != parameters.end()) {
    locals.set(var_keyword->name, share(Value::dict(std::move(extra_keywords), origin)));
    bound.insert(var_keyword->name);
  }
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (bound.contains(parameters[i].name)) continue;
    if (!definition.defaults[i]) return "it is called without its argument '" + parameters[i].name + "' (TypeError)";
    locals.set(parameters[i].name, definition.defaults[i]);
  }
  return {};
}

// The call's result at the call site: the returned value, placed where the settings call the function so
// that a finding about it points at the settings line (its env read still says where the variable is read).
ValuePtr at_call_site(const ValuePtr& returned, const Origin& origin) {
  if (returned->kind == Value::Kind::object) return returned;
  Value out = *returned;
  out.origin = origin;
  out.literal = false;
  return share(std::move(out));
}

}  // namespace

void define_function(Frame& frame, const py::FunctionDef& function, const py::Position& position) {
  auto definition = std::make_shared<ProjectDefinition>();
  definition->qualname = qualified(frame, function.name);
  definition->function = &function;
  definition->module = &frame.module;
  definition->file = frame.file;
  definition->path = frame.file_path;
  definition->origin = frame.origin(position);
  for (const py::Parameter& parameter : function.parameters)  // defaults are evaluated once, at def time
    definition->defaults.push_back(parameter.default_value ? evaluate(frame, parameter.default_value) : nullptr);
  register_definition(frame, std::move(definition), "function");
}

void define_class(Frame& frame, const py::ClassDef& cls, const py::Position& position) {
  auto definition = std::make_shared<ProjectDefinition>();
  definition->qualname = qualified(frame, cls.name);
  definition->cls = &cls;
  definition->module = &frame.module;
  definition->file = frame.file;
  definition->path = frame.file_path;
  definition->origin = frame.origin(position);
  // Bases last to first, so that earlier bases win as in a simple MRO; own names win over all of them.
  for (auto base = cls.bases.rbegin(); base != cls.bases.rend(); ++base) {
    if (const auto* name = py::as<py::Name>(*base); name && name->id == "object") continue;
    const ValuePtr value = evaluate(frame, *base);
    if (const ProjectDefinition* parent = project_definition(frame, *value); parent && parent->cls) {
      for (const auto& [name, attribute] : parent->attributes) definition->attributes[name] = attribute;
      if (!parent->unknown_attributes.empty()) definition->unknown_attributes = parent->unknown_attributes;
      definition->configuration = definition->configuration || parent->configuration;
    } else if (is_configuration_base(*value)) {
      definition->configuration = true;  // Configuration itself binds no setting
    } else {
      definition->unknown_attributes =
          "class " + cls.name + " inherits from " +
          (value->kind == Value::Kind::object ? std::string(object_name(*value))
                                              : std::string("a class deployctl cannot see")) +
          ", whose attributes deployctl does not know";
    }
  }
  // The body runs once, at class creation, seeing the module's names; what it binds are the attributes.
  Scope body(frame.scope, true);
  Scope* saved = frame.scope;
  frame.scope = &body;
  execute_block(frame, cls.body);
  frame.scope = saved;
  frame.ended = false;
  for (const auto& [name, value] : body.changes()) {
    if (value)
      definition->attributes[name] = value;
    else
      definition->attributes.erase(name);
    if (value) definition->own_attributes[name] = value;
  }
  register_definition(frame, std::move(definition), "class");
}

const ProjectDefinition* project_definition(const Frame& frame, const Value& callee) {
  if (callee.kind != Value::Kind::object) return nullptr;
  const std::string_view category = object_category(callee);
  if (category != "function" && category != "class") return nullptr;
  const auto it = frame.run.definitions.find(definition_key(callee.origin));
  if (it == frame.run.definitions.end() || it->second->qualname != object_name(callee)) return nullptr;
  return it->second.get();
}

namespace {

// What dir() lists for a plain class besides its own names (CPython 3.11, a class deriving from object).
constexpr std::array<std::string_view, 26> object_names = {
    "__class__",         "__delattr__",   "__dict__",         "__dir__",     "__doc__",    "__eq__",
    "__format__",        "__ge__",        "__getattribute__", "__gt__",      "__hash__",   "__init__",
    "__init_subclass__", "__le__",        "__lt__",           "__module__",  "__ne__",     "__new__",
    "__reduce__",        "__reduce_ex__", "__repr__",         "__setattr__", "__sizeof__", "__str__",
    "__subclasshook__",  "__weakref__"};

}  // namespace

ValuePtr class_vars(const ProjectDefinition& definition, const Origin& origin) {
  std::vector<std::pair<Value, Value>> entries;
  for (const auto& [name, value] : definition.own_attributes)
    entries.emplace_back(Value::from_string(name, origin), *value);
  for (const std::string_view dunder : {"__module__", "__dict__", "__weakref__", "__doc__"})
    entries.emplace_back(Value::from_string(std::string(dunder), origin),
                         Value::unknown("the class's " + std::string(dunder), origin));
  return share(Value::dict(std::move(entries), origin));
}

ValuePtr class_dir(const ProjectDefinition& definition, const Origin& origin) {
  if (!definition.unknown_attributes.empty())
    return unknown_value("dir(" + definition.qualname + ") is not known: " + definition.unknown_attributes, origin);
  std::set<std::string> names(object_names.begin(), object_names.end());
  for (const auto& [name, unused] : definition.attributes) names.insert(name);
  std::vector<Value> items;
  for (const std::string& name : names) items.push_back(Value::from_string(name, origin));
  return share(Value::list(std::move(items), origin));
}

ValuePtr class_attribute(const ProjectDefinition& definition, std::string_view name, const Origin& origin) {
  if (const auto it = definition.attributes.find(name); it != definition.attributes.end() && it->second)
    return it->second;
  if (!definition.unknown_attributes.empty())
    return unknown_value(
        definition.qualname + "." + std::string(name) + " is not known: " + definition.unknown_attributes, origin);
  return nullptr;
}

ValuePtr call_project_function(Frame& frame, const ProjectDefinition& definition, Arguments args,
                               const Origin& origin) {
  const std::string called = definition.qualname + "() (defined at " + where(definition) + ")";
  if (frame.run.active_calls.size() >= max_call_depth)
    return unknown_value("the call of " + called + " is nested more than " + std::to_string(max_call_depth) +
                             " project calls deep, past what deployctl follows",
                         origin);
  if (std::find(frame.run.active_calls.begin(), frame.run.active_calls.end(), &definition) !=
      frame.run.active_calls.end())
    return unknown_value(called + " calls itself; deployctl does not follow recursion", origin);

  // Globals resolve where the caller's module stands now when it is the function's own module (branch
  // scopes included), else in the module's final globals.
  Scope* globals = &definition.module->scope;
  if (&frame.module == definition.module) globals = frame.globals_view ? frame.globals_view : frame.scope;
  Scope locals(globals, true);
  if (std::string misfit = bind_arguments(definition, args, locals, origin); !misfit.empty())
    return unknown_value("the result of " + called + " is not known: " + misfit, origin);

  FunctionCall call;
  call.name = definition.qualname;
  Frame callee(frame.run, *definition.module, definition.file, definition.path, &locals);
  callee.depth = frame.depth;
  callee.block_depth = frame.block_depth;
  callee.call = &call;  // its own tries only: what it lets out is raised again in the caller, below
  callee.globals_view = globals;
  frame.run.active_calls.push_back(&definition);
  execute_block(callee, definition.function->body);
  frame.run.active_calls.pop_back();
  const bool fell_off_end = !callee.ended;

  // What the body changed that is not its own: module globals (declared `global`, or containers changed in
  // place) go back to the caller.
  std::set<std::string> own;
  for (const py::Parameter& parameter : definition.function->parameters) own.insert(parameter.name);
  for (std::string& name : names_bound_in(definition.function->body)) own.insert(std::move(name));
  std::set<std::string> declared_global;
  global_names(definition.function->body, declared_global);
  Bindings to_globals;
  for (const auto& [name, value] : locals.changes())
    if (declared_global.contains(name) || !own.contains(name)) to_globals.emplace(name, value);
  globals->apply(to_globals);

  if (call.required && frame.call && !frame.call->required) frame.call->required = call.required;
  for (const PyException type : call.possible_raises) frame.may_raise(type);
  if (call.may_raise_anything) frame.may_raise_anything();
  if (call.certain_raise) {
    frame.raise(*call.certain_raise);
    std::string why = called + " raises " + std::string(exception_name(*call.certain_raise));
    if (call.required) why = "required from the environment: " + call.required->variable + " is not set, and " + why;
    Value out = Value::unknown(std::move(why), origin);
    out.env = call.required;
    for (const ValuePtr& value : call.returns)
      if (value->env) carry_env(out, *value, definition.qualname + "()");
    return share(std::move(out));
  }
  if (fell_off_end) call.returns.push_back(share(Value::none(origin)));
  if (call.returns.empty())
    return unknown_value(called + " raises on every path deployctl can see, so it returns nothing", origin);
  std::vector<ValuePtr> results;
  std::string unknown_part;  // why a returned value is unknown, for the merged value's reason
  for (const ValuePtr& value : call.returns) {
    results.push_back(at_call_site(value, origin));
    if (unknown_part.empty() && !value->is_known() && !value->unknown_reason.empty())
      unknown_part = " (one of them: " + value->unknown_reason + ")";
  }
  return merge_values(results,
                      "one of the values " + called + " returns, depending on a condition inside it" + unknown_part);
}

}  // namespace deployctl::checks::settings::eval
