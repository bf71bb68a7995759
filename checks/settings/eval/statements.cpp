// Statements. Branches with an unknown condition run both sides in child scopes and merge the paths
// that did not end (return, raise); try statements model the exceptions the evaluator can see; for loops
// over known iterables run (bounded), other loops and with bodies do not: the names they bind become unknown.
#include "checks/settings/eval/statements.hpp"

#include <algorithm>
#include <memory>

#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/imports.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/merge.hpp"
#include "checks/settings/eval/operators.hpp"
#include "checks/settings/eval/places.hpp"
#include "checks/settings/eval/project_code.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace py = python;
using Kind = Value::Kind;

namespace {

std::string where(const Frame& frame, const py::Position& position) {
  return frame.file + ":" + std::to_string(position.line);
}

// Runs `block` with `scope` as the frame's scope.
void run_in(Frame& frame, Scope& scope, const py::Block& block) {
  Scope* saved = frame.scope;
  frame.scope = &scope;
  execute_block(frame, block);
  frame.scope = saved;
}

// Names a block binds, and names of containers its method calls may change in place.
struct BlockNames {
  std::vector<std::string> bound;
  std::vector<std::string> receivers;
  std::vector<std::string> grown;  // lists only added to at the end: NAME.append/extend(...), NAME += ...
  bool writes_globals = false;     // globals()[...] = ..., globals().update(...), vars().update(...)
  bool returns = false;            // holds a return statement (of the function running it)
};

// `globals()` / `vars()` called with no arguments.
bool is_globals_call(const py::ExprPtr& expr) {
  const auto* call = py::as<py::Call>(expr);
  if (!call || !call->args.empty() || !call->keywords.empty()) return false;
  const auto* name = py::as<py::Name>(call->func);
  return name && (name->id == "globals" || name->id == "vars" || name->id == "locals");
}

void collect_bound_names(const py::Block& block, BlockNames& names);

void collect_statement_names(const py::StmtPtr& statement, BlockNames& all) {
  std::vector<std::string>& names = all.bound;
  if (const auto* assign = py::as<py::Assign>(statement)) {
    for (const auto& target : assign->targets) {
      collect_target_names(target, names);
      if (const auto* subscript = py::as<py::Subscript>(target))
        all.writes_globals = all.writes_globals || is_globals_call(subscript->value);
    }
  } else if (const auto* aug = py::as<py::AugAssign>(statement)) {
    const auto* name = py::as<py::Name>(aug->target);
    if (name && aug->op == py::BinaryOperator::add)
      all.grown.push_back(name->id);
    else
      collect_target_names(aug->target, names);
  } else if (const auto* ann = py::as<py::AnnAssign>(statement)) {
    if (ann->value) collect_target_names(ann->target, names);
  } else if (const auto* loop = py::as<py::For>(statement)) {
    collect_target_names(loop->target, names);
    collect_bound_names(loop->body, all);
    collect_bound_names(loop->orelse, all);
  } else if (const auto* whiles = py::as<py::While>(statement)) {
    collect_bound_names(whiles->body, all);
    collect_bound_names(whiles->orelse, all);
  } else if (const auto* with = py::as<py::With>(statement)) {
    for (const auto& item : with->items) collect_target_names(item.optional_vars, names);
    collect_bound_names(with->body, all);
  } else if (const auto* branch = py::as<py::If>(statement)) {
    collect_bound_names(branch->body, all);
    collect_bound_names(branch->orelse, all);
  } else if (const auto* attempt = py::as<py::Try>(statement)) {
    collect_bound_names(attempt->body, all);
    for (const auto& handler : attempt->handlers) {
      if (handler.name) names.push_back(*handler.name);
      collect_bound_names(handler.body, all);
    }
    collect_bound_names(attempt->orelse, all);
    collect_bound_names(attempt->finalbody, all);
  } else if (const auto* import = py::as<py::Import>(statement)) {
    for (const auto& alias : import->names)
      names.push_back(alias.asname ? *alias.asname : alias.name.substr(0, alias.name.find('.')));
  } else if (const auto* from = py::as<py::ImportFrom>(statement)) {
    for (const auto& alias : from->names)
      if (alias.name != "*") names.push_back(alias.asname ? *alias.asname : alias.name);
  } else if (const auto* function = py::as<py::FunctionDef>(statement)) {
    names.push_back(function->name);
  } else if (const auto* cls = py::as<py::ClassDef>(statement)) {
    names.push_back(cls->name);
  } else if (py::as<py::Return>(statement)) {
    all.returns = true;
  } else if (const auto* del = py::as<py::Delete>(statement)) {
    for (const auto& target : del->targets) collect_target_names(target, names);
  } else if (const auto* expression = py::as<py::ExprStmt>(statement)) {
    // `NAME.append(...)`, `NAME['k'].update(...)`: a method call may change the container it is called on.
    if (const auto* call = py::as<py::Call>(expression->value))
      if (const auto* attribute = py::as<py::Attribute>(call->func)) {
        const auto* name = py::as<py::Name>(attribute->value);
        // insert() is left out: it moves the items after it, and rules read the order of MIDDLEWARE.
        const bool adds = attribute->attr == "append" || attribute->attr == "extend";
        if (name && adds)
          all.grown.push_back(name->id);
        else
          collect_target_names(attribute->value, all.receivers);
        all.writes_globals = all.writes_globals || is_globals_call(attribute->value);
      }
  }
}

void collect_bound_names(const py::Block& block, BlockNames& names) {
  for (const auto& statement : block) collect_statement_names(statement, names);
}

// A list that code deployctl does not run may have added to: the items it had, plus maybe items it cannot
// see. Rules can still tell what the list certainly holds; anything else about it is unknown.
ValuePtr grown_list(const Value& old, const std::string& reason, const Origin& origin) {
  Value out = Value::unknown(reason, origin);
  out.env = old.env;
  if (old.kind != Kind::list && old.kind != Kind::tuple) return share(std::move(out));
  Value more = old;
  more.literal = false;
  more.items.push_back(Value::unknown("an item that may have been added, " + reason, origin));
  out.alternatives = {old, std::move(more)};
  return share(std::move(out));
}

// Loops and with-statements: what their bodies bind is unknown afterwards.
void forget_names(Frame& frame, const py::Block& body, const py::Block& orelse, const py::ExprPtr& target,
                  const std::string& reason, const py::Position& position) {
  BlockNames names;
  collect_target_names(target, names.bound);
  collect_bound_names(body, names);
  collect_bound_names(orelse, names);
  // A return in code that does not run here: the function may return what deployctl cannot see.
  if (names.returns && frame.call) frame.call->returns.push_back(unknown_value(reason, frame.origin(position)));
  if (names.writes_globals)
    unknown_globals_write(frame, "globals() written in a block deployctl does not run: " + reason);
  for (const std::string& name : names.bound) frame.bind(name, unknown_value(reason, frame.origin(position)));
  for (const std::string& name : names.grown) {
    const ValuePtr old = frame.lookup(name);
    if (!old || old->kind == Kind::object) continue;
    const auto among = [&](const std::vector<std::string>& list) {
      return std::find(list.begin(), list.end(), name) != list.end();
    };
    if (among(names.bound) || among(names.receivers)) continue;  // also changed otherwise: unknown already
    frame.bind(name, grown_list(*old, reason, frame.origin(position)));
  }
  for (const std::string& name : names.receivers) {
    const ValuePtr old = frame.lookup(name);
    // Library objects (os, env, ...) keep their identity: a method call on them changes nothing we track.
    if (!old || old->kind == Kind::object) continue;
    frame.bind(name, unknown_value(reason, frame.origin(position)));
  }
}

// Values a branch chosen by an env-derived condition binds are derived from that read too.
void apply_with_condition_env(Frame& frame, const Scope& branch, const Value& test, const py::Position& position) {
  Bindings changes = branch.changes();
  for (auto& [name, value] : changes) {
    if (!value || value->env || value->kind == Kind::object) continue;
    Value copy = *value;
    carry_env(copy, test, "chosen by `if` at " + where(frame, position));
    value = share(std::move(copy));
  }
  frame.scope->apply(changes);
}

// Names an if test reads: `not X`, `X is None`, `not X or not Y`, `len(X) < 50`, ...
void names_in_test(const py::ExprPtr& test, std::vector<std::string>& out) {
  if (!test) return;
  if (const auto* name = py::as<py::Name>(test))
    out.push_back(name->id);
  else if (const auto* unary = py::as<py::UnaryOp>(test))
    names_in_test(unary->operand, out);
  else if (const auto* boolean = py::as<py::BoolOp>(test))
    for (const auto& value : boolean->values) names_in_test(value, out);
  else if (const auto* compare = py::as<py::Compare>(test)) {
    names_in_test(compare->left, out);
    for (const auto& comparator : compare->comparators) names_in_test(comparator, out);
  } else if (const auto* call = py::as<py::Call>(test))
    for (const auto& argument : call->args) names_in_test(argument, out);
}

// The raise statement at the top level of a block, if any.
const py::Stmt* raise_in(const py::Block& block) {
  for (const py::StmtPtr& statement : block)
    if (py::as<py::Raise>(statement)) return statement.get();
  return nullptr;
}

// Whether a value read from an unset variable holds nothing a deploy could mean: None or "".
bool unset_and_empty(const Value& value) {
  if (!value.env || value.env->is_set) return false;
  return value.kind == Kind::none || (value.kind == Kind::string && value.text.empty());
}

// `if not SECRET_KEY: raise ...` chose its raising branch because a variable the test reads is not set and
// has no default: the settings require it from the environment. Its value becomes unknown (whatever the
// deploy sets), saying so; inside a project function the read is kept for the call's result.
void mark_required(Frame& frame, const py::If& statement, bool truth) {
  const py::Stmt* raise = raise_in(truth ? statement.body : statement.orelse);
  if (!raise) return;
  std::vector<std::string> names;
  names_in_test(statement.test, names);
  for (const std::string& name : names) {
    const ValuePtr value = frame.lookup(name);
    if (!value || !unset_and_empty(*value)) continue;
    auto read = std::make_shared<EnvRead>(*value->env);
    read->required_by = "the raise at " + where(frame, raise->position) + " runs without it";
    Value out = Value::unknown("required from the environment: " + read->variable +
                                   " is not set in the analysed environment, and " + read->required_by,
                               value->origin);
    out.env = read;
    if (frame.call && !frame.call->required) frame.call->required = read;
    frame.bind(name, share(std::move(out)));
  }
}

// Whether `test` is decided only by a secret's absence from the analysed environment (`if 'DJANGO_SECRET_KEY' in
// os.environ:`, `if os.environ.get('DB_PASSWORD'):`). The check is not meant to be given secrets, so the branch their
// absence picks is not the one a deploy takes: both are run. Not when a branch raises: the settings then require
// the secret, and mark_required says so.
bool decided_by_missing_secret(const Value& test, const py::If& statement) {
  if (!test.env || test.env->is_set || raise_in(statement.body) || raise_in(statement.orelse)) return false;
  const std::string& name = test.env->variable;
  // SECRET_KEY_FILE, DB_PASSWORD_PATH: where a secret is, which deploys give or not as they choose to.
  for (const std::string_view place : {"_FILE", "_PATH", "_DIR"})
    if (name.ends_with(place)) return false;
  for (const std::string_view word : {"SECRET", "PASSWORD", "PASSWD", "TOKEN"})
    if (name.find(word) != std::string::npos) return true;
  return name.ends_with("_KEY");
}

void execute_if(Frame& frame, const py::If& statement, const py::Position& position) {
  const ValuePtr test = evaluate(frame, statement.test);
  if (frame.raised) return;
  const auto truth = decided_by_missing_secret(*test, statement) ? std::nullopt : test->truthy();
  if (truth) {
    mark_required(frame, statement, *truth);
    // What the function returns from here on was chosen by the variable's state too.
    if (test->env && frame.call && !frame.call->env_condition) frame.call->env_condition = test;
    const py::Block& chosen = *truth ? statement.body : statement.orelse;
    if (!test->env) {
      execute_block(frame, chosen);
    } else {
      Scope branch(frame.scope);
      run_in(frame, branch, chosen);
      apply_with_condition_env(frame, branch, *test, position);
    }
    return;
  }
  Scope then_scope(frame.scope);
  Scope else_scope(frame.scope);
  ++frame.uncertainty;
  run_in(frame, then_scope, statement.body);
  const bool then_ended = frame.ended;
  frame.ended = false;
  run_in(frame, else_scope, statement.orelse);
  const bool else_ended = frame.ended;
  frame.ended = false;
  --frame.uncertainty;
  // A branch that ended (returned, raised) leaves no state for the code after the if.
  std::vector<const Bindings*> paths;
  if (!then_ended) paths.push_back(&then_scope.changes());
  if (!else_ended) paths.push_back(&else_scope.changes());
  if (paths.empty()) {
    frame.ended = true;
    return;
  }
  merge_paths(*frame.scope, paths, "depends on the condition at " + where(frame, position));
}

void run_handler(Frame& frame, Scope& scope, const py::ExceptHandler& handler) {
  if (handler.name) scope.set(*handler.name, unknown_value("the caught exception", frame.origin(handler.position)));
  run_in(frame, scope, handler.body);
  if (handler.name) scope.erase(*handler.name);  // Python deletes the name when the handler ends
}

// The finally block runs whatever happened; the path stays ended if it had ended before it.
void finish_try(Frame& frame, const py::Try& statement, bool ended) {
  frame.ended = false;
  execute_block(frame, statement.finalbody);
  frame.ended = frame.ended || ended;
}

void execute_try(Frame& frame, const py::Try& statement, const py::Position& position) {
  Scope* outer = frame.scope;
  Scope body(outer);
  TryContext context;
  context.statement = &statement;
  context.body_scope = &body;
  context.uncertainty = frame.uncertainty;
  frame.tries.push_back(&context);
  run_in(frame, body, statement.body);
  frame.tries.pop_back();

  const bool caught = frame.raised && frame.raised->catcher == &context;
  if (frame.raised && !caught) {  // unwinding further out: the state at the raise stands
    outer->apply(body.changes());
    std::optional<Raised> pending = frame.raised;
    frame.raised.reset();
    finish_try(frame, statement, false);
    if (!frame.raised) frame.raised = pending;
    return;
  }
  // The body's path may have ended (a return in a function): the else block is skipped, but a handler
  // the body may have started still runs, and its path is merged in.
  bool main_ended = frame.ended;
  frame.ended = false;
  if (caught) {
    const int handler = context.handler_for(frame.raised->type);
    frame.raised.reset();
    main_ended = false;
    run_handler(frame, body, statement.handlers[static_cast<std::size_t>(handler)]);
    main_ended = frame.ended;
    frame.ended = false;
  } else if (!main_ended) {
    run_in(frame, body, statement.orelse);
    main_ended = frame.ended;
    frame.ended = false;
  }

  // Handlers that may run: from every state where the body may have raised, merged into one entry state.
  std::vector<std::unique_ptr<Scope>> handler_paths;
  if (!context.possible_entries.empty() && !frame.raised) {
    const std::string why = "depends on whether the try body at " + where(frame, position) + " raises";
    auto entry = std::make_unique<Scope>(outer);
    std::vector<const Bindings*> entries;
    for (const Bindings& bindings : context.possible_entries) entries.push_back(&bindings);
    merge_paths(*entry, entries, why);
    // Which handler runs: the first that catches ImportError (the only exception raised as a possibility
    // by imports) or, failing that, the first one.
    int index = context.handler_for(PyException::module_not_found);
    if (index < 0) index = 0;
    ++frame.uncertainty;
    run_handler(frame, *entry, statement.handlers[static_cast<std::size_t>(index)]);
    --frame.uncertainty;
    const bool handler_ended = frame.ended;
    frame.ended = false;
    std::vector<const Bindings*> paths;
    if (!main_ended) paths.push_back(&body.changes());
    if (!handler_ended) paths.push_back(&entry->changes());
    if (!paths.empty()) merge_paths(*outer, paths, why);
    main_ended = paths.empty();
    handler_paths.push_back(std::move(entry));
  } else {
    outer->apply(body.changes());
  }
  frame.scope = outer;
  std::optional<Raised> pending = frame.raised;  // raised in a handler: finally still runs
  frame.raised.reset();
  finish_try(frame, statement, main_ended);
  if (!frame.raised) frame.raised = pending;
}

void execute_aug_assign(Frame& frame, const py::AugAssign& statement) {
  const Origin origin = frame.origin(statement.value->position);
  auto place = resolve_place(frame, statement.target);
  if (!place) {
    // `os.environ['X'] += ...`, `obj.attr += ...`: evaluated for their reads, effect not tracked.
    (void)evaluate(frame, statement.value);
    return;
  }
  const ValuePtr current = read_place(frame, *place, frame.origin(statement.target->position));
  const ValuePtr operand = evaluate(frame, statement.value);
  if (frame.raised) return;
  // list += iterable and dict |= mapping change the object in place (its aliases see it); others rebind.
  if (current->kind == Kind::list && statement.op == py::BinaryOperator::add) {
    if (auto items = iterate(*operand)) {
      Value extended = *current;
      extended.literal = false;
      for (Value& item : *items) extended.items.push_back(std::move(item));
      write_place(frame, *place, finish(frame, std::move(extended)), true, origin);
      return;
    }
    write_place(frame, *place, unknown_from(*operand, origin, "+="), true, origin);
    return;
  }
  ValuePtr result = binary_operation(frame, current, statement.op, operand, origin);
  if (frame.raised) return;
  if (result->is_known() && current->is_known()) {
    // Keep where the container was first written: that is where a reader looks for it.
    Value copy = *result;
    copy.origin = current->origin;
    result = share(std::move(copy));
  }
  const bool in_place = current->kind == Kind::dict || current->kind == Kind::set;
  write_place(frame, *place, result, in_place, origin);
}

// break/continue: certain ones end the iteration; one in a branch that may not run makes the loop's
// effect unknown (the loop gives up, see execute_for). Outside a loop the evaluator follows, nothing.
void loop_control(Frame& frame, bool is_break) {
  if (frame.loop_uncertainty < 0) return;
  if (frame.uncertainty > frame.loop_uncertainty) {
    frame.loop_control_unsure = true;
    frame.ended = true;
    return;
  }
  frame.loop_exit = is_break ? Frame::LoopExit::break_loop : Frame::LoopExit::continue_loop;
}

// A for loop over a known iterable runs its body once per item; any other loop forgets what it binds.
void execute_for(Frame& frame, const py::For& loop, const py::Position& position) {
  const ValuePtr iterable = evaluate(frame, loop.iter);
  if (frame.raised) return;
  const std::string at = "the for loop at " + where(frame, position);
  std::optional<std::vector<Value>> items = iterate(*iterable);
  if (!items || items->size() > max_loop_iterations) {
    const std::string why =
        items ? " walks over more than " + std::to_string(max_loop_iterations) + " items"
              : " walks over a value deployctl does not know" +
                    (iterable->unknown_reason.empty() ? std::string() : " (" + iterable->unknown_reason + ")");
    forget_names(frame, loop.body, loop.orelse, loop.target, "changed by " + at + ", which" + why, position);
    return;
  }
  Scope body(frame.scope);
  Scope* outer = frame.scope;
  frame.scope = &body;
  const int saved_loop_uncertainty = frame.loop_uncertainty;
  const bool saved_unsure = frame.loop_control_unsure;
  frame.loop_uncertainty = frame.uncertainty;
  frame.loop_control_unsure = false;
  bool broke = false;
  for (Value& item : *items) {
    assign_target(frame, loop.target, share(std::move(item)));
    if (frame.raised || frame.ended) break;
    execute_block(frame, loop.body);
    const Frame::LoopExit exit = frame.loop_exit;
    frame.loop_exit = Frame::LoopExit::none;
    if (exit == Frame::LoopExit::break_loop) {
      broke = true;
      break;
    }
    if (frame.raised || frame.ended || frame.run.exhausted()) break;
  }
  const bool unsure = frame.loop_control_unsure;
  if (!broke && !frame.raised && !frame.ended) execute_block(frame, loop.orelse);
  frame.scope = outer;
  frame.loop_uncertainty = saved_loop_uncertainty;
  frame.loop_control_unsure = saved_unsure;
  if (unsure) {
    frame.ended = false;
    forget_names(frame, loop.body, loop.orelse, loop.target,
                 "changed by " + at + ", where a break or continue depends on a condition deployctl cannot decide",
                 position);
    return;
  }
  outer->apply(body.changes());
}

// The exception class a raise statement names: `X`, `X(...)`, `module.X(...)`.
PyException raised_type(const py::ExprPtr& exception) {
  py::ExprPtr named = exception;
  if (const auto* call = py::as<py::Call>(exception)) named = call->func;
  std::string_view name;
  if (const auto* plain = py::as<py::Name>(named))
    name = plain->id;
  else if (const auto* attribute = py::as<py::Attribute>(named))
    name = attribute->attr;
  for (const PyException type : {PyException::improperly_configured, PyException::key_error, PyException::value_error,
                                 PyException::type_error, PyException::import_error, PyException::module_not_found,
                                 PyException::os_error, PyException::attribute_error, PyException::index_error})
    if (exception_name(type) == name) return type;
  return PyException::other;
}

void execute_raise(Frame& frame, const py::Raise& statement) {
  if (frame.raise(raised_type(statement.exception))) return;  // a try catches it: unwinding there
  // Nothing catches it for certain. In a branch that may not run, or in a function, the path ends here; a
  // certain raise at module level would stop the import, and the settings are analysed as they would run in
  // an environment that makes them load.
  if (frame.uncertainty > 0 || frame.call) frame.ended = true;
}

struct StatementVisitor {
  Frame& frame;
  const py::Position& position;

  void operator()(const py::Assign& assign) const {
    const ValuePtr value = evaluate(frame, assign.value);
    if (frame.raised) return;
    for (const auto& target : assign.targets) assign_target(frame, target, value);
  }
  void operator()(const py::AugAssign& aug) const { execute_aug_assign(frame, aug); }
  void operator()(const py::AnnAssign& ann) const {
    if (!ann.value) return;
    const ValuePtr value = evaluate(frame, ann.value);
    if (!frame.raised) assign_target(frame, ann.target, value);
  }
  void operator()(const py::ExprStmt& expression) const { (void)evaluate(frame, expression.value); }
  void operator()(const py::If& branch) const { execute_if(frame, branch, position); }
  void operator()(const py::Try& attempt) const { execute_try(frame, attempt, position); }
  void operator()(const py::Import& import) const { execute_import(frame, import, position); }
  void operator()(const py::ImportFrom& from) const { execute_import_from(frame, from, position); }
  void operator()(const py::FunctionDef& function) const { define_function(frame, function, position); }
  void operator()(const py::ClassDef& cls) const { define_class(frame, cls, position); }
  void operator()(const py::For& loop) const { execute_for(frame, loop, position); }
  void operator()(const py::Return& statement) const {
    const ValuePtr value =
        statement.value ? evaluate(frame, statement.value) : share(Value::none(frame.origin(position)));
    if (frame.raised) return;
    if (frame.call) {
      const ValuePtr& condition = frame.call->env_condition;
      if (condition && !value->env && value->kind != Kind::object) {
        Value chosen = *value;
        carry_env(chosen, *condition, "chosen by an `if` in " + frame.call->name + "()");
        frame.call->returns.push_back(share(std::move(chosen)));
      } else {
        frame.call->returns.push_back(value);
      }
    }
    frame.ended = true;
  }
  void operator()(const py::Raise& statement) const { execute_raise(frame, statement); }
  void operator()(const py::While& loop) const {
    (void)evaluate(frame, loop.test);
    forget_names(frame, loop.body, loop.orelse, nullptr,
                 "changed by the while loop at " + where(frame, position) + " (loops are not run)", position);
  }
  void operator()(const py::With& with) const {
    for (const auto& item : with.items) (void)evaluate(frame, item.context_expr);
    std::vector<std::string> targets;
    for (const auto& item : with.items) collect_target_names(item.optional_vars, targets);
    forget_names(frame, with.body, {}, nullptr,
                 "changed in the with block at " + where(frame, position) + " (with blocks are not run)", position);
    for (const std::string& name : targets)
      frame.bind(name,
                 unknown_value("bound by the with statement at " + where(frame, position), frame.origin(position)));
  }
  void operator()(const py::Delete& del) const {
    for (const auto& target : del.targets) delete_target(frame, target);
  }
  void operator()(const py::Pass&) const {}
  void operator()(const py::Global&) const {}
  void operator()(const py::OtherStmt& other) const {
    if (other.type_name == "Break" || other.type_name == "Continue") loop_control(frame, other.type_name == "Break");
  }
};

}  // namespace

std::vector<std::string> names_bound_in(const py::Block& block) {
  BlockNames names;
  collect_bound_names(block, names);
  return std::move(names.bound);
}

void execute_block(Frame& frame, const py::Block& block) {
  if (frame.block_depth >= max_block_depth) return;
  ++frame.block_depth;
  for (const py::StmtPtr& statement : block) {
    if (frame.raised || frame.ended || frame.loop_exit != Frame::LoopExit::none || !statement) break;
    ++frame.run.work;
    std::visit(StatementVisitor{frame, statement->position}, statement->node);
  }
  --frame.block_depth;
}

}  // namespace deployctl::checks::settings::eval
