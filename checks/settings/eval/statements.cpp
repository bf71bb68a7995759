// Module-level statements. Branches with an unknown condition run both sides in child scopes and merge;
// try statements model the exceptions the evaluator can see; loop and with bodies are not run, the
// names they would bind become unknown.
#include "checks/settings/eval/statements.hpp"

#include <memory>

#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/imports.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/merge.hpp"
#include "checks/settings/eval/operators.hpp"
#include "checks/settings/eval/places.hpp"
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
};

void collect_bound_names(const py::Block& block, BlockNames& names);

void collect_statement_names(const py::StmtPtr& statement, BlockNames& all) {
  std::vector<std::string>& names = all.bound;
  if (const auto* assign = py::as<py::Assign>(statement)) {
    for (const auto& target : assign->targets) collect_target_names(target, names);
  } else if (const auto* aug = py::as<py::AugAssign>(statement)) {
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
  } else if (const auto* del = py::as<py::Delete>(statement)) {
    for (const auto& target : del->targets) collect_target_names(target, names);
  } else if (const auto* expression = py::as<py::ExprStmt>(statement)) {
    // `NAME.append(...)`, `NAME['k'].update(...)`: a method call may change the container it is called on.
    if (const auto* call = py::as<py::Call>(expression->value))
      if (const auto* attribute = py::as<py::Attribute>(call->func))
        collect_target_names(attribute->value, all.receivers);
  }
}

void collect_bound_names(const py::Block& block, BlockNames& names) {
  for (const auto& statement : block) collect_statement_names(statement, names);
}

// Loops and with-statements: what their bodies bind is unknown afterwards.
void forget_names(Frame& frame, const py::Block& body, const py::Block& orelse, const py::ExprPtr& target,
                  const std::string& reason, const py::Position& position) {
  BlockNames names;
  collect_target_names(target, names.bound);
  collect_bound_names(body, names);
  collect_bound_names(orelse, names);
  for (const std::string& name : names.bound) frame.bind(name, unknown_value(reason, frame.origin(position)));
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

void execute_if(Frame& frame, const py::If& statement, const py::Position& position) {
  const ValuePtr test = evaluate(frame, statement.test);
  if (frame.raised) return;
  if (const auto truth = test->truthy()) {
    const py::Block& chosen = *truth ? statement.body : statement.orelse;
    if (!test->env) return execute_block(frame, chosen);
    Scope branch(frame.scope);
    run_in(frame, branch, chosen);
    apply_with_condition_env(frame, branch, *test, position);
    return;
  }
  Scope then_scope(frame.scope);
  Scope else_scope(frame.scope);
  ++frame.uncertainty;
  run_in(frame, then_scope, statement.body);
  run_in(frame, else_scope, statement.orelse);
  --frame.uncertainty;
  merge_paths(*frame.scope, {&then_scope.changes(), &else_scope.changes()},
              "depends on the condition at " + where(frame, position));
}

void run_handler(Frame& frame, Scope& scope, const py::ExceptHandler& handler) {
  if (handler.name) scope.set(*handler.name, unknown_value("the caught exception", frame.origin(handler.position)));
  run_in(frame, scope, handler.body);
  if (handler.name) scope.erase(*handler.name);  // Python deletes the name when the handler ends
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
    execute_block(frame, statement.finalbody);
    if (!frame.raised) frame.raised = pending;
    return;
  }
  if (caught) {
    const int handler = context.handler_for(frame.raised->type);
    frame.raised.reset();
    run_handler(frame, body, statement.handlers[static_cast<std::size_t>(handler)]);
  } else {
    run_in(frame, body, statement.orelse);
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
    std::vector<const Bindings*> paths = {&body.changes(), &entry->changes()};
    merge_paths(*outer, paths, why);
    handler_paths.push_back(std::move(entry));
  } else {
    outer->apply(body.changes());
  }
  frame.scope = outer;
  std::optional<Raised> pending = frame.raised;  // raised in a handler: finally still runs
  frame.raised.reset();
  execute_block(frame, statement.finalbody);
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
  void operator()(const py::FunctionDef& function) const {
    const std::string qualname = (frame.module.name.empty() ? "" : frame.module.name + ".") + function.name;
    frame.bind(function.name, share(make_object("function", qualname, frame.origin(position))));
  }
  void operator()(const py::ClassDef& cls) const {
    const std::string qualname = (frame.module.name.empty() ? "" : frame.module.name + ".") + cls.name;
    frame.bind(cls.name, share(make_object("class", qualname, frame.origin(position))));
  }
  void operator()(const py::For& loop) const {
    (void)evaluate(frame, loop.iter);
    forget_names(frame, loop.body, loop.orelse, loop.target,
                 "changed by the for loop at " + where(frame, position) + " (loops are not run)", position);
  }
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
      frame.bind(name, unknown_value("bound by the with statement at " + where(frame, position), frame.origin(position)));
  }
  void operator()(const py::Delete& del) const {
    for (const auto& target : del.targets) delete_target(frame, target);
  }
  void operator()(const py::Pass&) const {}
  void operator()(const py::Global&) const {}
  void operator()(const py::OtherStmt&) const {}
};

}  // namespace

void execute_block(Frame& frame, const py::Block& block) {
  if (frame.block_depth >= max_block_depth) return;
  ++frame.block_depth;
  for (const py::StmtPtr& statement : block) {
    if (frame.raised || !statement) break;
    ++frame.run.work;
    std::visit(StatementVisitor{frame, statement->position}, statement->node);
  }
  --frame.block_depth;
}

}  // namespace deployctl::checks::settings::eval
