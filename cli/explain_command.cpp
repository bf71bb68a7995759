// `deployctl explain ID`: one rule's summary, rationale, fix, the examples that fire and do not, Django's id.
#include <algorithm>
#include <cctype>
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

struct ExplainFlags {
  std::string rule_id;
};

// Rule ids are upper case; `explain dj018` is still obviously DJ018.
std::string upper(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(),
                         [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  return out;
}

int run_explain(const ExplainFlags& flags, const Io& io) {
  const checks::rules::Rule* rule = checks::rules::find_rule(upper(flags.rule_id));
  if (rule == nullptr) {
    std::vector<std::string> ids;
    for (const checks::rules::Rule& known : checks::rules::all_rules()) ids.emplace_back(known.info.id);
    throw Failure("unknown rule '" + flags.rule_id + "'." + did_you_mean(flags.rule_id, ids) +
                  " Run 'deployctl rules' for the list.");
  }
  write_rule_explanation(io.out, rule->info);
  return static_cast<int>(ExitCode::ok);
}

}  // namespace

Action declare_explain_command(CLI::App& app, const Io& io) {
  auto given = std::make_shared<ExplainConfig>();
  declare_options(app, explain_options(), *given);
  return [given, &io] { return run_explain({given->id ? given->id->value : std::string()}, io); };
}

}  // namespace deployctl::cli
