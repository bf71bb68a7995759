// Every command's rows together, for the configuration reference and the consistency tests.
#include "core/options.hpp"

namespace deployctl {

std::vector<OptionDescription> all_option_descriptions() {
  std::vector<OptionDescription> all;
  const auto add = [&all](std::vector<OptionDescription> rows) { all.insert(all.end(), rows.begin(), rows.end()); };
  add(describe_options<CheckConfig>("check", check_options()));
  add(describe_options<RulesConfig>("rules", rules_options()));
  add(describe_options<ExplainConfig>("explain", explain_options()));
  add(describe_options<HelpConfig>("help", help_options()));
  add(describe_options<ServeConfig>("serve", serve_options()));
  add(describe_options<RenderConfig>("render", render_options()));
  add(describe_options<DeployConfig>("deploy", deploy_options()));
  return all;
}

}  // namespace deployctl
