// `--set KEY=VALUE`: a [deploy] (or [render]) key given on the command line, checked by the same schema as
// deployctl.toml, replacing what the file says.
#pragma once

#include <string_view>

#include "core/config.hpp"
#include "core/error.hpp"

namespace deployctl::generators {

// `assignment` is "deploy.KEY=VALUE" or "KEY=VALUE" (a [deploy] key), or "render.KEY=VALUE". Lists are
// comma-separated; integers and true/false are typed by the key. Unknown keys get a did-you-mean.
Result<void> apply_override(ProjectConfig& config, std::string_view assignment);

}  // namespace deployctl::generators
