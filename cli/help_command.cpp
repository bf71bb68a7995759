// `deployctl help [COMMAND]`: the top-level help, one command's options, or `help config`: the reference of
// deployctl.toml and every option (share/docs/configuration.md), made from the option tables.
#include <memory>
#include <ostream>

#include "cli/command.hpp"
#include "cli/configuration_docs.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"
#include "core/options.hpp"
#include "core/suggest.hpp"

namespace deployctl::cli {

namespace {

struct HelpFlags {
  std::string command;
};

int run_help(const HelpFlags& flags, const Io& io) {
  if (flags.command.empty()) {
    io.out << top_level_help();
    return static_cast<int>(ExitCode::ok);
  }
  if (flags.command == "config") {
    io.out << configuration_reference();
    return static_cast<int>(ExitCode::ok);
  }
  const Command* command = find_command(flags.command);
  if (command == nullptr)
    throw Failure("unknown command '" + flags.command + "'." + did_you_mean(flags.command, command_names()) +
                  " Run 'deployctl --help' for the list.");
  io.out << command_help(*command);
  return static_cast<int>(ExitCode::ok);
}

}  // namespace

Action declare_help_command(CLI::App& app, const Io& io) {
  auto given = std::make_shared<HelpConfig>();
  declare_options(app, help_options(), *given);
  return [given, &io] { return run_help({given->command ? given->command->value : std::string()}, io); };
}

}  // namespace deployctl::cli
