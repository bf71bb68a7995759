// The reference of deployctl.toml and of every command's options, generated from the option tables: what
// `deployctl help config` prints and share/docs/configuration.md holds (a golden test keeps them equal).
#pragma once

#include <string>

namespace deployctl::cli {

std::string configuration_reference();

}  // namespace deployctl::cli
