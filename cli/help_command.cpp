// `deployctl help [COMMAND]`: the top-level help, or one command's options.
#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>

#include "cli/command.hpp"
#include "core/error.hpp"
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
  const Command* command = find_command(flags.command);
  if (command == nullptr)
    throw Failure("unknown command '" + flags.command + "'." + did_you_mean(flags.command, command_names()) +
                  " Run 'deployctl --help' for the list.");
  io.out << command_help(*command);
  return static_cast<int>(ExitCode::ok);
}

}  // namespace

Action declare_help_command(CLI::App& app, const Io& io) {
  auto flags = std::make_shared<HelpFlags>();
  app.add_option("COMMAND", flags->command, "The command to describe; without it, the list of commands");
  return [flags, &io] { return run_help(*flags, io); };
}

}  // namespace deployctl::cli
