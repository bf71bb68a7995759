// The one table of subcommands (as ninja's kTools): dispatch, the help listing and "did you mean" all read it.
// Each command lives in its own file and declares its options from its table; the shared parsing is in command.cpp.
#pragma once

#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace deployctl::cli {

// Where a command writes, and what it needs to know about it.
struct Io {
  std::ostream& out;
  std::ostream& err;
  bool out_is_terminal = false;  // colour is decided from this and NO_COLOR
};

// Runs the command once its options are parsed; returns the exit code.
using Action = std::function<int()>;

struct Command {
  std::string_view name;
  std::string_view summary;
  // Declares the command's options and positionals on `app` (cli/options.hpp) and returns what runs once they are
  // parsed.
  Action (*declare)(CLI::App& app, const Io& io);
  std::string_view footer;  // the closing lines of the command's help: where values come from, exit statuses
};

std::span<const Command> commands();
const Command* find_command(std::string_view name);
std::vector<std::string> command_names();

// Parses `args` (everything after the command name) for `command` and runs it. Unknown flags get a
// "did you mean"; a parse error throws Failure. --help prints the command's help and returns 0.
int run_command(const Command& command, std::span<const std::string> args, const Io& io);

// The command's help text, as `deployctl help COMMAND` and `deployctl COMMAND --help` print it.
std::string command_help(const Command& command);

// The top-level help: usage and the command table.
std::string top_level_help();

// One declaration per command file.
Action declare_check_command(CLI::App& app, const Io& io);
Action declare_rules_command(CLI::App& app, const Io& io);
Action declare_explain_command(CLI::App& app, const Io& io);
Action declare_help_command(CLI::App& app, const Io& io);
Action declare_serve_command(CLI::App& app, const Io& io);
Action declare_render_command(CLI::App& app, const Io& io);

}  // namespace deployctl::cli
