// What the repository checks found, as plain data for the GIT rules (checks/rules/git*.cpp): the sensitive files
// git tracks, the gaps in its ignore rules, and the secrets only its history still holds. No libgit2 type here.
#pragma once

#include <string>
#include <vector>

#include "checks/git/secret_literals.hpp"

namespace deployctl::checks::git {

// A tracked file that holds secrets by its nature: an env file, or a private key (by name, or a *.pem with a
// PRIVATE KEY block).
struct SensitiveFile {
  enum class Kind { env_file, private_key };
  std::string path;  // relative to the project dir
  Kind kind = Kind::env_file;
};

// A kind of file git would not ignore in the project dir.
struct IgnoreGap {
  std::string what;      // "env files", "log files", "media uploads"
  std::string probe;     // the path probed, relative to the project dir
  std::string patterns;  // what to add to .gitignore
};

// One distinct secret value and the commit that first brought it into the history.
struct HistorySecret {
  SecretLiteral literal;  // line and column in the blob it was first seen in
  std::string path;       // that blob's path, relative to the project dir
  std::string commit;     // short id of the first commit (oldest first) whose tree has it
  std::string date;       // that commit's date, YYYY-MM-DD (UTC)
};

struct RepositoryFacts {
  std::vector<SensitiveFile> sensitive_files;   // tracked now (or at the revision asked for)
  std::vector<IgnoreGap> ignore_gaps;           // the working tree's ignore rules; empty for a past revision
  std::vector<HistorySecret> history_secrets;   // in the history, and in no tracked file of the state looked at
};

}  // namespace deployctl::checks::git
