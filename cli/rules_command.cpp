// `deployctl rules`: every rule of the registry, as a table, JSON or the markdown of share/docs/rules.md.
#include <memory>

#include "checks/rules/registry.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/rule_docs.hpp"
#include "core/error.hpp"
#include "core/options.hpp"
#include "core/suggest.hpp"

namespace deployctl::cli {

namespace {

struct RulesFlags {
  std::string format = "text";
};

int run_rules(const RulesFlags& flags, const Io& io) {
  const RuleListFormat* format = find_rule_list_format(flags.format);
  if (format == nullptr)
    throw Failure("--format: unknown format '" + flags.format + "'." +
                  did_you_mean(flags.format, rule_list_format_names()) + " Formats: text, json, markdown.");
  format->write(io.out, checks::rules::all_rules());
  return static_cast<int>(ExitCode::ok);
}

}  // namespace

Action declare_rules_command(CLI::App& app, const Io& io) {
  auto given = std::make_shared<RulesConfig>();
  declare_options(app, rules_options(), *given);
  return [given, &io] {
    RulesConfig values = *given;
    apply_defaults(rules_options(), values);
    return run_rules({values.format->value}, io);
  };
}

}  // namespace deployctl::cli
