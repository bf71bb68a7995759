// `deployctl check` and the [check] table.
#include "core/options.hpp"

#include <array>

namespace deployctl {

namespace {

using C = CheckConfig;
constexpr std::array<std::string_view, 3> severities = {"error", "warning", "info"};

const Option<C> rows[] = {
    {.name = "project-dir",
     .member = &C::project_dir,
     .help = "The Django project's directory (default: the current one)",
     .fallback = ".",
     .value_name = "PROJECT_DIR",
     .uses = use_flag,
     .positional = true,
     .command_line_only = "deployctl.toml is looked up from this directory"},
    {.name = "settings",
     .member = &C::settings,
     .help = "Settings module to check, e.g. mysite.settings (default: found from manage.py, wsgi.py or asgi.py)",
     .value_name = "MODULE"},
    {.name = "env-file",
     .member = &C::env_files,
     .help = "Read environment variables from a dotenv file (repeatable)",
     .value_name = "FILE",
     .paths = ConfigPaths::whole},
    {.name = "env",
     .member = &C::env,
     .help = "Set an environment variable for the analysis (repeatable)",
     .value_name = "KEY=VALUE"},
    // The formats are checks/report's table; a unit test keeps this list equal to it.
    {.name = "format",
     .member = &C::format,
     .help = "Output format: text, json, sarif, github, gitlab, junit (default: text)",
     .fallback = "text",
     .value_name = "FORMAT"},
    {.name = "fail-on",
     .member = &C::fail_on,
     .help = "Exit 1 when a finding is at this severity or above: error, warning (default) or info",
     .fallback = "warning",
     .value_name = "LEVEL",
     .choices = severities},
    {.name = "select",
     .member = &C::select,
     .help = "Only these rules: comma-separated ids or prefixes, e.g. DJ,SK001",
     .value_name = "RULES",
     .delimiter = ','},
    {.name = "ignore",
     .member = &C::ignore,
     .help = "Skip these rules: comma-separated ids or prefixes",
     .value_name = "RULES",
     .delimiter = ','},
    {.name = "severity",
     .member = &C::severity,
     .help = "Override a rule's severity, e.g. DJ018=error (repeatable)",
     .value_name = "RULE=LEVEL",
     .choices = severities,
     .delimiter = ','},
    {.name = "output",
     .member = &C::output,
     .help = "Write the report to FILE (atomically) instead of standard output",
     .value_name = "FILE",
     .paths = ConfigPaths::whole},
    {.name = "statistics", .member = &C::statistics, .help = "Count findings per rule instead of listing them (text)"},
    {.name = "quiet",
     .member = &C::quiet,
     .help = "Print findings only: no summary line, no notes",
     .flags = "--quiet,-q"},
    {.name = "exit-zero",
     .member = &C::exit_zero,
     .help = "Exit 0 even when there are findings (2 still means a failure)"},
    {.name = "show-source",
     .member = &C::show_source,
     .help = "Show (default) or hide the source line under each finding (text)",
     .fallback = "true",
     .flags = "--show-source,!--no-show-source"},
    {.name = "baseline",
     .member = &C::baseline,
     .help = "Report only findings not recorded in this baseline file, and list its entries that no longer match",
     .value_name = "FILE",
     .paths = ConfigPaths::whole},
    {.name = "write-baseline",
     .member = &C::write_baseline,
     .help = "Record every current finding in FILE (atomically) instead of reporting; exits 0",
     .value_name = "FILE",
     .paths = ConfigPaths::whole},
    {.name = "no-git",
     .member = &C::no_git,
     .help = "Skip the repository checks (GIT rules: tracked env files and keys, secrets in the history, .gitignore "
             "coverage)"},
    {.name = "all-paths",
     .member = &C::all_paths,
     .help = "Scan every file of the git history for secrets, not only settings-like paths"},
    {.name = "new-since",
     .member = &C::new_since,
     .help = "Report only findings that are new since this git revision (the settings at REF are read from git, not "
             "checked out)",
     .value_name = "REF"},
    {.name = "django",
     .member = &C::django,
     .help = "Also import the settings and run Django's own system checks (needs the project's dependencies "
             "installed); the static analysis stays the default"},
};

}  // namespace

std::span<const Option<CheckConfig>> check_options() { return rows; }

}  // namespace deployctl
