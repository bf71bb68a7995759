// The whole command line as a library call: parses arguments, dispatches, catches the one top-level error.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace deployctl {

// Returns the process exit code (0 ok, 1 findings, 2 the tool could not do its job).
int run(int argc, char** argv);
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// As above, telling whether `out` is a terminal (colour; still off when NO_COLOR is set).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool out_is_terminal);

}  // namespace deployctl
