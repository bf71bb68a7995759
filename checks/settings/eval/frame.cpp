// Evaluation bookkeeping: parsing each file once, problems, the exception hierarchy the evaluator models,
// and how a raise finds the try statement that catches it.
#include "checks/settings/eval/frame.hpp"

#include <array>

#include "checks/python/parser.hpp"
#include "checks/settings/eval/limits.hpp"
#include "core/files.hpp"

namespace deployctl::checks::settings::eval {

namespace fs = std::filesystem;

namespace {

using Lineage = std::span<const std::string_view>;

constexpr std::array<std::string_view, 3> import_error = {"ImportError", "Exception", "BaseException"};
constexpr std::array<std::string_view, 4> module_not_found = {"ModuleNotFoundError", "ImportError", "Exception",
                                                              "BaseException"};
constexpr std::array<std::string_view, 4> key_error = {"KeyError", "LookupError", "Exception", "BaseException"};
constexpr std::array<std::string_view, 4> index_error = {"IndexError", "LookupError", "Exception", "BaseException"};
constexpr std::array<std::string_view, 3> value_error = {"ValueError", "Exception", "BaseException"};
constexpr std::array<std::string_view, 3> type_error = {"TypeError", "Exception", "BaseException"};
constexpr std::array<std::string_view, 3> attribute_error = {"AttributeError", "Exception", "BaseException"};
constexpr std::array<std::string_view, 4> zero_division = {"ZeroDivisionError", "ArithmeticError", "Exception",
                                                           "BaseException"};
// IOError and EnvironmentError are aliases of OSError; split-settings raises IOError/OSError.
constexpr std::array<std::string_view, 5> os_error = {"OSError", "IOError", "EnvironmentError", "Exception",
                                                      "BaseException"};
constexpr std::array<std::string_view, 3> improperly_configured = {"ImproperlyConfigured", "Exception",
                                                                   "BaseException"};
constexpr std::array<std::string_view, 3> undefined_value = {"UndefinedValueError", "Exception", "BaseException"};
constexpr std::array<std::string_view, 2> other_exception = {"Exception", "BaseException"};
constexpr std::array<std::string_view, 4> recursion_error = {"RecursionError", "RuntimeError", "Exception",
                                                             "BaseException"};

// The class name a handler's `except X` names: `X`, `module.X`, or each of a tuple.
void handler_names(const python::ExprPtr& type, std::vector<std::string_view>& out) {
  if (const auto* name = python::as<python::Name>(type))
    out.push_back(name->id);
  else if (const auto* attribute = python::as<python::Attribute>(type))
    out.push_back(attribute->attr);
  else if (const auto* tuple = python::as<python::TupleExpr>(type))
    for (const auto& element : tuple->elts) handler_names(element, out);
}

}  // namespace

std::span<const std::string_view> exception_lineage(PyException type) {
  switch (type) {
    case PyException::import_error: return import_error;
    case PyException::module_not_found: return module_not_found;
    case PyException::key_error: return key_error;
    case PyException::index_error: return index_error;
    case PyException::value_error: return value_error;
    case PyException::type_error: return type_error;
    case PyException::attribute_error: return attribute_error;
    case PyException::zero_division: return zero_division;
    case PyException::os_error: return os_error;
    case PyException::improperly_configured: return improperly_configured;
    case PyException::undefined_value_error: return undefined_value;
    case PyException::recursion_error: return recursion_error;
    case PyException::other: return other_exception;
  }
  return value_error;
}

void mark_incomplete(LoadedModule& module, std::string why) {
  if (module.complete) module.incomplete_because = std::move(why);
  module.complete = false;
}

std::string_view exception_name(PyException type) { return exception_lineage(type).front(); }

int TryContext::handler_for(PyException type) const {
  const auto lineage = exception_lineage(type);
  for (std::size_t i = 0; i < statement->handlers.size(); ++i) {
    const python::ExceptHandler& handler = statement->handlers[i];
    if (!handler.type) return static_cast<int>(i);  // bare except
    std::vector<std::string_view> names;
    handler_names(handler.type, names);
    for (const std::string_view name : names)
      for (const std::string_view cls : lineage)
        if (name == cls) return static_cast<int>(i);
  }
  return -1;
}

bool Frame::raise(PyException type) {
  for (auto it = tries.rbegin(); it != tries.rend(); ++it) {
    TryContext* context = *it;
    if (context->handler_for(type) < 0) continue;
    if (uncertainty > context->uncertainty) {
      // Raised only if the enclosing branch runs: the handler may start from here, the body may go on.
      context->possible_entries.push_back(scope->changes_up_to(context->body_scope));
      return false;
    }
    raised = Raised{type, context};
    return true;
  }
  if (call) {
    if (uncertainty == 0 && !call->certain_raise)
      call->certain_raise = type;
    else if (uncertainty > 0)
      call->possible_raises.push_back(type);
  }
  return false;
}

void Frame::may_raise(PyException type) {
  for (auto it = tries.rbegin(); it != tries.rend(); ++it) {
    TryContext* context = *it;
    if (context->handler_for(type) < 0) continue;
    context->possible_entries.push_back(scope->changes_up_to(context->body_scope));
    return;
  }
  if (call) call->possible_raises.push_back(type);
}

void Frame::may_raise_anything() {
  for (auto it = tries.rbegin(); it != tries.rend(); ++it) {
    TryContext* context = *it;
    if (context->statement->handlers.empty()) continue;
    context->possible_entries.push_back(scope->changes_up_to(context->body_scope));
    return;
  }
  if (call) call->may_raise_anything = true;
}

bool Frame::catches(PyException type) const {
  for (const TryContext* context : tries)
    if (context->handler_for(type) >= 0) return true;
  return false;
}

Evaluation::Evaluation(const Environment& analysed, fs::path project, SettingsModel& out)
    : environment(analysed), project_dir(std::move(project)), model(out) {}

std::string Evaluation::display_path(const fs::path& path) const {
  if (project_dir.empty()) return path.generic_string();
  const fs::path relative = path.lexically_relative(project_dir);
  if (relative.empty() || *relative.begin() == "..") return path.generic_string();
  return relative.generic_string();
}

void Evaluation::problem(std::string_view rule, std::string message, const Origin& where, std::string fix) {
  Finding finding;
  finding.rule = std::string(rule);
  finding.severity = Severity::error;
  finding.message = std::move(message);
  finding.where = SourceSpan{where.file, where.position.line, where.position.column, where.position.end_line,
                             where.position.end_column};
  finding.fix = std::move(fix);
  model.problems.push_back(std::move(finding));
}

bool Evaluation::exhausted() const { return work > max_work; }

std::shared_ptr<const python::Module> Evaluation::parse_text(const std::string& text, const std::string& display) {
  auto result = python::parse_module(text, display);
  if (auto* error = std::get_if<python::SyntaxError>(&result)) {
    Origin where{display, python::Position{error->line, error->column, 0, 0}};
    std::string message = "cannot parse " + display + ": " + error->message;
    if (error->line > 0) message += " (line " + std::to_string(error->line) + ")";
    problem("DPL001", std::move(message) + "; settings in this file are unknown to deployctl", where,
            "fix the syntax error; `/usr/bin/python3 -m py_compile " + display + "` shows the same message");
    return nullptr;
  }
  return std::make_shared<const python::Module>(std::get<python::Module>(std::move(result)));
}

std::shared_ptr<const python::Module> Evaluation::parse_file(const fs::path& path, const std::string& display,
                                                             const Origin& import_site) {
  const std::string key = path.string();
  if (const auto it = parsed_.find(key); it != parsed_.end()) return it->second;
  auto text = read_text_file(path);
  if (!text) {
    std::string reason = text.error().message;
    if (reason.starts_with(key)) reason = display + reason.substr(key.size());
    problem("DPL003", "cannot read " + display + ", which the settings import: " + reason, import_site,
            "make the file a readable UTF-8 Python source, or stop importing it");
    parsed_.emplace(key, nullptr);
    return nullptr;
  }
  std::shared_ptr<const python::Module> module = parse_text(*text, display);
  model.files.push_back(SourceFile{display, "", std::move(*text)});
  parsed_.emplace(key, module);
  return module;
}

std::shared_ptr<const python::Module> Evaluation::parse_source(std::string source, const std::string& display) {
  std::shared_ptr<const python::Module> module = parse_text(source, display);
  model.files.push_back(SourceFile{display, "", std::move(source)});
  if (!project_dir.empty()) parsed_.emplace((project_dir / display).string(), module);
  return module;
}

}  // namespace deployctl::checks::settings::eval
