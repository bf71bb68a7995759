// Comprehensions run their loops for real, but only over known iterables of bounded size, in a scope of
// their own (Python 3 does not leak the loop variables).
#include "checks/settings/eval/comprehensions.hpp"

#include <functional>

#include "checks/settings/eval/expressions.hpp"
#include "checks/settings/eval/limits.hpp"
#include "checks/settings/eval/places.hpp"
#include "checks/settings/eval/values.hpp"

namespace deployctl::checks::settings::eval {

namespace py = python;
using Kind = Value::Kind;

namespace {

struct Runner {
  Frame& frame;
  const std::vector<py::Comprehension>& generators;
  // Called once per produced element; returns false to stop.
  std::function<bool()> produce;
  ValuePtr failure;
  std::size_t steps = 0;

  bool run(std::size_t index, const Origin& origin) {
    if (index == generators.size()) return produce();
    const py::Comprehension& generator = generators[index];
    if (generator.is_async) {
      failure = unknown_value("an async comprehension", origin);
      return false;
    }
    const ValuePtr iterable = evaluate(frame, generator.iter);
    auto items = iterate(*iterable);
    if (!items) {
      failure = iterable->is_known() ? unknown_value("a comprehension over " + iterable->describe(false), origin)
                                     : unknown_from(*iterable, origin, "comprehension");
      return false;
    }
    for (Value& item : *items) {
      if (++steps > max_iterations || frame.run.exhausted()) {
        failure = unknown_value("a comprehension too long to evaluate", origin);
        return false;
      }
      assign_target(frame, generator.target, share(std::move(item)));
      bool keep = true;
      for (const py::ExprPtr& condition : generator.ifs) {
        const ValuePtr test = evaluate(frame, condition);
        const auto truth = test->truthy();
        if (!truth) {
          failure = unknown_from(*test, origin, "comprehension filter");
          return false;
        }
        if (!*truth) {
          keep = false;
          break;
        }
      }
      if (keep && !run(index + 1, origin)) return false;
      if (frame.raised) return false;
    }
    return true;
  }
};

// Runs `body` with a transient scope for the loop variables.
template <typename Body>
ValuePtr in_comprehension_scope(Frame& frame, Body body) {
  Scope local(frame.scope, true);
  Scope* saved = frame.scope;
  frame.scope = &local;
  ValuePtr result = body();
  frame.scope = saved;
  return result;
}

}  // namespace

ValuePtr evaluate_comprehension(Frame& frame, const py::Comp& comp, const Origin& origin) {
  return in_comprehension_scope(frame, [&]() -> ValuePtr {
    Value out;
    out.origin = origin;
    switch (comp.kind) {
      case py::ComprehensionKind::list: out.kind = Kind::list; break;
      case py::ComprehensionKind::set: out.kind = Kind::set; break;
      case py::ComprehensionKind::generator: out = make_object("instance", "generator", origin); break;
    }
    Runner runner{frame, comp.generators, {}, nullptr};
    runner.produce = [&]() {
      const ValuePtr element = evaluate(frame, comp.elt);
      if (out.kind == Kind::set)
        for (const Value& kept : out.items)
          if (kept.equals(*element).value_or(false)) return true;
      out.items.push_back(*element);
      return true;
    };
    if (!runner.run(0, origin)) return runner.failure ? runner.failure : unknown_value("a comprehension", origin);
    return finish(frame, std::move(out));
  });
}

ValuePtr evaluate_dict_comprehension(Frame& frame, const py::DictComp& comp, const Origin& origin) {
  return in_comprehension_scope(frame, [&]() -> ValuePtr {
    Value out = Value::dict({}, origin);
    Runner runner{frame, comp.generators, {}, nullptr};
    runner.produce = [&]() {
      const ValuePtr key = evaluate(frame, comp.key);
      const ValuePtr item = evaluate(frame, comp.value);
      if (!key->is_known()) {
        runner.failure = unknown_value("a dict comprehension with keys the evaluator cannot know", origin);
        return false;
      }
      for (auto& entry : out.entries) {
        const auto same = entry.first.equals(*key);
        if (!same) {
          runner.failure = unknown_value("a dict comprehension with keys the evaluator cannot compare", origin);
          return false;
        }
        if (*same) {
          entry.second = *item;
          return true;
        }
      }
      out.entries.emplace_back(*key, *item);
      return true;
    };
    if (!runner.run(0, origin)) return runner.failure ? runner.failure : unknown_value("a dict comprehension", origin);
    return finish(frame, std::move(out));
  });
}

}  // namespace deployctl::checks::settings::eval
