// Runs the rules, then gives the DJ rules Django's verdict where their static check could not see the problem.
#include "checks/rules/run_rules.hpp"

#include <set>

#include "checks/rules/django_messages.hpp"
#include "checks/rules/registry.hpp"

namespace deployctl::checks::rules {

std::vector<Finding> run_rules(const RuleContext& context, const std::function<bool(std::string_view id)>& enabled,
                               std::vector<Undecided>* undecided) {
  std::vector<Finding> findings;
  for (const Rule& rule : all_rules()) {
    if (!enabled(rule.info.id) || rule.check == nullptr) continue;
    FindingSink sink(rule.info, findings, undecided);
    rule.check(context, sink);
  }
  if (context.django == nullptr) return findings;
  std::set<std::string> reported_checks;
  for (const Finding& finding : findings)
    if (finding.django_check) reported_checks.insert(*finding.django_check);
  for (const django_runtime::DjangoMessage& message : *context.django) {
    const Rule* mirror = mirror_rule(message.id);
    if (mirror == nullptr || !enabled(mirror->info.id) || !reported_checks.insert(message.id).second) continue;
    FindingSink sink(mirror->info, findings);
    report_django_message(message, context.settings, sink);
  }
  return findings;
}

}  // namespace deployctl::checks::rules
