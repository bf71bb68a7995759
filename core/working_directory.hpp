// The working directory as the user named it, symlinks kept: a release symlink (/srv/app/current) switched
// after start must be followed by a reload, which resolves the path again instead of reusing the old inode.
#pragma once

#include <filesystem>

namespace deployctl {

// $PWD when it is absolute and names the same directory as getcwd() (a shell keeps it through `cd current`);
// else getcwd(), which has every symlink resolved (systemd sets no PWD: pass --chdir there).
std::filesystem::path working_directory_as_given();

// `path` made absolute against working_directory_as_given() and lexically normalized, symlinks kept; the
// resolved absolute path instead when the lexical one does not name the same directory (a `..` after a link).
std::filesystem::path absolute_as_given(const std::filesystem::path& path);

}  // namespace deployctl
