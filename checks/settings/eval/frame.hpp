// The state of one evaluation run (Evaluation: environment, module cache, parsed files, problems) and of
// the code being executed in it (Frame: which module and file, which scope, which try statements enclose it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks/python/ast.hpp"
#include "checks/settings/environment.hpp"
#include "checks/settings/eval/scope.hpp"
#include "checks/settings/settings_model.hpp"

namespace deployctl::checks::settings::eval {

// Exceptions the evaluator knows the settings would certainly raise at some point.
enum class PyException {
  import_error,
  module_not_found,
  key_error,
  index_error,
  value_error,
  type_error,
  attribute_error,
  zero_division,
  os_error,
  improperly_configured,
  undefined_value_error,
  recursion_error,
  other  // a class the evaluator does not know: caught by `except Exception` and bare `except` only
};
std::string_view exception_name(PyException type);
// The exception's class and its bases, most derived first, up to BaseException.
std::span<const std::string_view> exception_lineage(PyException type);

struct ProjectDefinition;
struct LoadedModule;
// Names the module binds are not all visible from here on; `why` names the construct and where, e.g.
// "the star import from local_settings at settings.py:40, a module deployctl cannot see".
void mark_incomplete(LoadedModule& module, std::string why);

struct LoadedModule {
  std::string name;            // dotted; "" for an in-memory source without a project
  std::string file;            // relative to the project dir
  std::filesystem::path path;  // absolute
  bool is_package = false;
  bool executing = true;           // still running: importing it now closes a cycle
  bool complete = true;            // every name it binds is visible to us (no star import from unseen code)
  std::string incomplete_because;  // !complete: the first construct that bound names we cannot see, and where
  bool located = true;             // `name` is its real dotted name (false: in-memory source without a project)
  std::vector<std::string> included_files;  // split-settings include(): files already run in these globals
  Scope scope;
};

// A call of a function defined in the project, while its body runs.
// Exceptions its body lets out go to the caller's frame once the call is over (see Frame::raise).
struct FunctionCall {
  std::string name;                          // qualified, for reasons
  std::vector<ValuePtr> returns;             // every value a path through the body returned
  std::optional<PyException> certain_raise;  // raised on the path that certainly runs
  std::vector<PyException> possible_raises;  // raised in branches that may not run
  bool may_raise_anything = false;           // ran code deployctl does not model
  std::shared_ptr<const EnvRead> required;   // an unset variable without which the body raises
  ValuePtr env_condition;                    // the first env-derived `if` test the path went through
};

class Frame;
struct TryContext {
  const python::Try* statement = nullptr;
  const Scope* body_scope = nullptr;  // the scope the try body runs in
  int uncertainty = 0;                // Frame::uncertainty when the try began
  // Handler entry states for exceptions the body may (not certainly) raise: changes relative to the parent.
  std::vector<Bindings> possible_entries;
  // Index of the handler that catches `type`, or -1.
  int handler_for(PyException type) const;
};

// An exception the code certainly raises, unwinding to the try that catches it.
struct Raised {
  PyException type;
  const TryContext* catcher;
};

// An os.environ write made by the settings themselves (os.environ.setdefault, os.environ['X'] = ...).
struct EnvOverride {
  ValuePtr value;  // null: deleted
};

class Evaluation {
 public:
  Evaluation(const Environment& environment, std::filesystem::path project_dir, SettingsModel& model);

  const Environment& environment;
  std::filesystem::path project_dir;  // canonical; empty: project imports stay unknown
  SettingsModel& model;

  std::map<std::string, std::shared_ptr<LoadedModule>, std::less<>> modules;  // by dotted name
  std::vector<std::string> import_stack;                                      // modules being executed
  std::map<std::string, EnvOverride, std::less<>> env_overrides;
  // Non-empty once a .env loader (Env.read_env, load_dotenv, decouple with a settings.ini/.env) may have
  // filled variables the analysed environment leaves unset: says which one, for unknown_reason.
  std::string dotenv_loader;
  bool dotenv_overrides = false;  // the loader also replaces variables that are set (load_dotenv(override=True))
  std::uint64_t work = 0;
  // Functions and classes the project's code defines, by the place of their def/class statement.
  std::map<std::string, std::shared_ptr<const ProjectDefinition>, std::less<>> definitions;
  std::vector<const ProjectDefinition*> active_calls;  // project functions running now, outermost first

  // The parsed file, parsed once per run; null after a problem was reported (unreadable, syntax error).
  std::shared_ptr<const python::Module> parse_file(const std::filesystem::path& path, const std::string& display,
                                                   const Origin& import_site);
  // Parses in-memory source registered as `display`.
  std::shared_ptr<const python::Module> parse_source(std::string source, const std::string& display);
  // Path relative to the project dir, '/' separated.
  std::string display_path(const std::filesystem::path& path) const;

  void problem(std::string_view rule, std::string message, const Origin& where, std::string fix = {});
  bool exhausted() const;

 private:
  std::map<std::string, std::shared_ptr<const python::Module>, std::less<>> parsed_;
  std::shared_ptr<const python::Module> parse_text(const std::string& text, const std::string& display);
};

class Frame {
 public:
  Frame(Evaluation& run_state, LoadedModule& globals_of, std::string code_file, std::filesystem::path code_path,
        Scope* globals)
      : run(run_state),
        module(globals_of),
        file(std::move(code_file)),
        file_path(std::move(code_path)),
        scope(globals) {}

  Evaluation& run;
  LoadedModule& module;             // whose globals these are: relative imports and __name__
  std::string file;                 // the file whose code runs (differs from module.file inside include())
  std::filesystem::path file_path;  // its absolute path
  Scope* scope;
  int depth = 0;        // expression nesting
  int block_depth = 0;  // statement nesting
  int include_depth = 0;
  int uncertainty = 0;  // > 0 inside code that may not run (a branch of an unknown condition)
  std::vector<TryContext*> tries;
  std::optional<Raised> raised;
  FunctionCall* call = nullptr;   // inside a project function's body: where `return` goes
  Scope* globals_view = nullptr;  // inside a project function: the scope its module's globals resolve in
  // The current path ends here (return, break, continue, or a raise nothing catches in a branch that may
  // not run): the rest of the block does not run, and a branch that ended is left out of the merge.
  bool ended = false;
  enum class LoopExit { none, break_loop, continue_loop };
  LoopExit loop_exit = LoopExit::none;
  int loop_uncertainty = -1;         // Frame::uncertainty when the innermost running loop began; -1: none
  bool loop_control_unsure = false;  // break/continue ran in a branch that may not run: the loop is not followed

  Origin origin(const python::Position& position) const { return Origin{file, position}; }

  ValuePtr lookup(std::string_view name) const { return scope->find(name); }
  void bind(std::string name, ValuePtr value) { scope->set(std::move(name), std::move(value)); }

  // The code raises `type` here. When an enclosing try catches it, unwinds to it (certainly, or as a
  // possibility when the raise sits in code that may not run) and returns whether it unwinds. When nothing
  // catches it the module would fail to import; evaluation goes on and the caller makes the value unknown.
  // Inside a project function, what no try of the function catches is recorded for the caller.
  bool raise(PyException type);
  // The code may raise `type` here (e.g. importing a third-party package that may be missing).
  void may_raise(PyException type);
  // Code deployctl does not model runs here and may raise anything: the innermost try with handlers may
  // start one of them from here.
  void may_raise_anything();
  // Whether an enclosing try statement has a handler for `type`.
  bool catches(PyException type) const;
};

}  // namespace deployctl::checks::settings::eval
