// deployctl::run: the top-level flags, dispatch through the command table, and the one top-level catch.
#include "cli/run.hpp"

#include <unistd.h>

#include <iostream>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "core/suggest.hpp"
#include "core/version.hpp"

namespace deployctl {

namespace {

int dispatch(const std::vector<std::string>& args, const cli::Io& io) {
  if (args.empty()) {
    std::string names;
    for (const std::string& name : cli::command_names()) names += (names.empty() ? "" : ", ") + name;
    throw Failure("no command given; the commands are " + names + ". Run 'deployctl --help' for more.");
  }
  const std::string& first = args.front();
  if (first == "--version" || first == "-V") {
    io.out << "deployctl " << version << '\n';
    return static_cast<int>(ExitCode::ok);
  }
  if (first == "--help" || first == "-h") {
    io.out << cli::top_level_help();
    return static_cast<int>(ExitCode::ok);
  }
  if (first.starts_with("-")) {
    const std::vector<std::string> flags = {"--version", "--help"};
    throw Failure("unknown option '" + first + "'." + did_you_mean(first.substr(0, first.find('=')), flags) +
                  " Options go after the command: 'deployctl COMMAND [OPTIONS]'; see 'deployctl --help'.");
  }
  const cli::Command* command = cli::find_command(first);
  if (command == nullptr)
    throw Failure("unknown command '" + first + "'." + did_you_mean(first, cli::command_names()) +
                  " Run 'deployctl --help' for the list.");
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  return cli::run_command(*command, rest, io);
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool out_is_terminal) {
  const cli::Io io{out, err, out_is_terminal};
  try {
    return dispatch(args, io);
  } catch (const Failure& failure) {
    out.flush();
    err << "deployctl: error: " << failure.what() << '\n';
  } catch (const std::exception& bug) {
    // Not a user error: still exit 2 with a message rather than an abort, and say where to report it.
    out.flush();
    err << "deployctl: error: internal error: " << bug.what() << " (please report this as a bug)\n";
  }
  return static_cast<int>(ExitCode::tool_failure);
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return run(args, out, err, false);
}

int run(int argc, char** argv) {
  const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  return run(args, std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1);
}

}  // namespace deployctl
