// `deployctl render` and the [render] table.
#include "core/options.hpp"

namespace deployctl {

namespace {

using R = RenderConfig;

const Option<R> rows[] = {
    {.name = "target",
     .member = &R::targets,
     .help = "What to render (see --list), then optionally the Django project's directory (default: the current one)",
     .value_name = "TARGET",
     .uses = use_flag,
     .positional = true,
     .command_line_only = "what to render this time; deployctl.toml is looked up from the project directory"},
    {.name = "config",
     .member = &R::config,
     .help = "Read this deployctl.toml (default: found from the project upwards)",
     .value_name = "FILE",
     .uses = use_flag,
     .command_line_only = "names the file the keys are read from"},
    {.name = "set",
     .member = &R::sets,
     .help = "Override a [deploy] key, e.g. --set deploy.domains=example.com (repeatable)",
     .value_name = "KEY=VALUE",
     .uses = use_flag,
     .command_line_only = "overrides keys of [deploy] and [render] for one run"},
    {.name = "out",
     .member = &R::out,
     .help = "Write the files under DIR (atomically, with their modes) and say what changed",
     .value_name = "DIR",
     .uses = use_flag,
     .command_line_only = "an action: where this run writes"},
    {.name = "check",
     .member = &R::check,
     .help = "Exit 1 when the files in --out differ from what would be rendered",
     .uses = use_flag,
     .command_line_only = "an action: compare instead of writing"},
    {.name = "diff",
     .member = &R::diff,
     .help = "Print a unified diff between the files in --out and the rendered ones",
     .uses = use_flag,
     .command_line_only = "an action: show the differences instead of writing"},
    {.name = "list",
     .member = &R::list,
     .help = "List the targets, one per line",
     .uses = use_flag,
     .command_line_only = "an action: list the targets"},
    {.name = "templates",
     .member = &R::templates,
     .help = "Use the templates in DIR instead of the built-in ones",
     .value_name = "DIR",
     .uses = use_flag | use_key | use_set},
    {.name = "eject",
     .member = &R::eject,
     .help = "Write the target's built-in templates into --templates DIR to edit them",
     .uses = use_flag,
     .command_line_only = "an action: copy the built-in templates out"},
};

}  // namespace

std::span<const Option<RenderConfig>> render_options() { return rows; }

}  // namespace deployctl
