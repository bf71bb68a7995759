// The rule table. Each rule lives in its own file as `extern const Rule <name>;` and is listed here once.
// IDs are never reused: a retired rule keeps its ID out of circulation.
#include "checks/rules/registry.hpp"

#include <array>

namespace deployctl::checks::rules {

// ---- Django parity: mirrors of `manage.py check --deploy` (DJ...) ----
// (declarations: extern const Rule <name>;)

// ---- deployctl's own rules ----

namespace {
const Rule* const table[] = {
    // ---- Django parity ----
    // ---- deployctl's own ----
    nullptr,
};
}  // namespace

std::span<const Rule> all_rules() {
  static const std::vector<Rule> rules = [] {
    std::vector<Rule> list;
    for (const Rule* rule : table)
      if (rule) list.push_back(*rule);
    return list;
  }();
  return rules;
}

const Rule* find_rule(std::string_view id) {
  for (const Rule& rule : all_rules())
    if (rule.info.id == id) return &rule;
  return nullptr;
}

}  // namespace deployctl::checks::rules
