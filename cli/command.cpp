// The command table and what every command shares: CLI11 setup, unknown-flag suggestions, help text.
#include "cli/command.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <ostream>

#include "core/error.hpp"
#include "core/suggest.hpp"
#include "core/version.hpp"

namespace deployctl::cli {

namespace {

// One row per command: dispatch, the help listing, each command's help footer and "did you mean".
constexpr Command command_table[] = {
    {"check", "Check a Django project's settings for deploy problems", declare_check_command,
     "Flags override the [check] table of deployctl.toml (or [tool.deployctl.check] in pyproject.toml), whose keys "
     "are the flags' names.\nExit status: 0 nothing at or above --fail-on, 1 something is, 2 deployctl could not "
     "run."},
    {"rules", "List every rule: id, severity, name and summary", declare_rules_command,
     "'deployctl rules --format markdown' is share/docs/rules.md; 'deployctl explain ID' shows one rule."},
    {"explain", "Explain one rule: why it matters, how to fix it, examples", declare_explain_command, ""},
    {"render", "Render nginx, systemd, gunicorn and other deploy configs from the settings", declare_render_command,
     "Values come from --set, then the [deploy] table of deployctl.toml, then the settings (ALLOWED_HOSTS, "
     "STATIC_ROOT, ...).\nA value that is not known statically is an error naming the key to set.\nExit status: 0 "
     "ok, 1 --check/--diff found differences, 2 deployctl could not render."},
    {"serve", "Serve the project's WSGI app: a native gateway with static files", declare_serve_command,
     "Flags override the [serve] table of deployctl.toml, whose keys are the flags' names.\n"
     "Signals: TERM graceful stop, INT/QUIT fast stop, HUP reload (new workers first), TTIN/TTOU one worker "
     "more/less.\n"
     "systemd: LISTEN_FDS sockets replace --bind; NOTIFY_SOCKET gets READY=1, RELOADING=1 and STOPPING=1.\n"
     "Exit status: 0 after a clean stop, 2 when deployctl could not serve."},
    {"help", "Show the help of a command", declare_help_command, ""},
};

std::unique_ptr<CLI::App> make_app(const Command& command) {
  auto app = std::make_unique<CLI::App>(std::string(command.summary) + ".", "deployctl " + std::string(command.name));
  // Unknown flags are collected rather than rejected so that the error can suggest the closest one.
  app->allow_extras();
  app->get_formatter()->column_width(30);
  if (!command.footer.empty()) app->footer(std::string(command.footer));
  return app;
}

std::vector<std::string> flag_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

[[noreturn]] void reject_extra(const Command& command, const CLI::App& app, const std::string& extra) {
  const std::string prefix = std::string(command.name) + ": ";
  const std::string help = " Run 'deployctl help " + std::string(command.name) + "' for its options.";
  if (extra.starts_with("-") && extra.size() > 1) {
    const std::string flag = extra.substr(0, extra.find('='));
    throw Failure(prefix + "unknown option '" + flag + "'." + did_you_mean(flag, flag_names(app)) + help);
  }
  throw Failure(prefix + "unexpected argument '" + extra + "'." + help);
}

}  // namespace

std::span<const Command> commands() { return command_table; }

const Command* find_command(std::string_view name) {
  for (const Command& command : command_table)
    if (command.name == name) return &command;
  return nullptr;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const Command& command : command_table) names.emplace_back(command.name);
  return names;
}

int run_command(const Command& command, std::span<const std::string> args, const Io& io) {
  const auto app = make_app(command);
  const Action action = command.declare(*app, io);
  // CLI11 consumes its argument vector from the back.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    io.out << app->help();
    return static_cast<int>(ExitCode::ok);
  } catch (const CLI::ParseError& error) {
    throw Failure(std::string(command.name) + ": " + error.what() + ". Run 'deployctl help " +
                  std::string(command.name) + "' for its options.");
  }
  if (const auto extras = app->remaining(); !extras.empty()) reject_extra(command, *app, extras.front());
  return action();
}

std::string command_help(const Command& command) {
  std::ostringstream discard;
  const Io io{discard, discard, false};
  const auto app = make_app(command);
  command.declare(*app, io);
  return app->help();
}

std::string top_level_help() {
  std::size_t width = 0;
  for (const Command& command : command_table) width = std::max(width, command.name.size());
  std::string text = "deployctl " + std::string(version) + ": deploy-readiness checks for Django projects.\n\n";
  text += "Usage: deployctl COMMAND [OPTIONS] [ARGS]\n       deployctl --version | --help\n\nCommands:\n";
  for (const Command& command : command_table)
    text += "  " + std::string(command.name) + std::string(width - command.name.size() + 3, ' ') +
            std::string(command.summary) + "\n";
  text += "\nRun 'deployctl help COMMAND' for the options of a command.\n";
  return text;
}

}  // namespace deployctl::cli
