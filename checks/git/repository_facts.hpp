// What the repository checks found, as plain data for the GIT rules (checks/rules/git*.cpp): the sensitive files
// git tracks, the files the settings make the app write that git would not ignore, and the secrets only its
// history still holds. No libgit2 type here.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "checks/git/secret_literals.hpp"

namespace deployctl::checks::git {

// A tracked file that holds secrets by its nature: an env file that holds secrets (COMPOSE_PROJECT_NAME alone is
// no leak), or a private key (by name, or a *.pem with a PRIVATE KEY block).
struct SensitiveFile {
  enum class Kind { env_file, private_key };
  std::string path;  // relative to the project dir
  Kind kind = Kind::env_file;
  std::vector<SecretLiteral> secrets;  // an env file's, weighed (secret_weight.hpp); none for a private key
  std::string throwaway_reason;        // a private key's path says it is a test key: "under tests/"; else ""
};

// One file the app would write (or a deployer would create) in the working tree, and why.
struct IgnoreProbe {
  enum class Kind { media, log_file, env_file };
  Kind kind = Kind::media;
  std::string setting;         // "MEDIA_ROOT", "LOGGING", "" (env files: no setting)
  std::string source;          // "MEDIA_ROOT (mysite/settings.py:40)", "paperless/settings.py calls read_env()"
  std::filesystem::path path;  // absolute: the directory (media) or the file

  bool operator==(const IgnoreProbe&) const = default;
};

// A probe git would not ignore.
struct IgnoreGap {
  IgnoreProbe probe;
  std::string shown;        // the probed path relative to the project dir (or the repository, when outside it)
  bool in_project = false;  // inside the project dir: its .gitignore is the place for the pattern
};

// One distinct secret value and the commit that first brought it into the history.
struct HistorySecret {
  SecretLiteral literal;  // line and column in the blob it was first seen in
  std::string path;       // that blob's path, relative to the project dir
  std::string commit;     // short id of the first commit (oldest first) whose tree has it
  std::string date;       // that commit's date, YYYY-MM-DD (UTC)
};

struct RepositoryFacts {
  std::vector<SensitiveFile> sensitive_files;  // tracked now (or at the revision asked for)
  std::vector<IgnoreGap> ignore_gaps;          // the working tree's, for what the settings name; none for a past
                                               // revision
  std::vector<HistorySecret> history_secrets;  // in the history, and in no tracked file of the state looked at
};

}  // namespace deployctl::checks::git
