// GIT001 sensitive-file-tracked: an env file holding secrets or a private key is tracked by git. The repository
// scan (checks/git/repository_checks.cpp) lists them with the secrets they hold, weighed; this rule judges them.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

constexpr std::string_view tracked_consequence =
    ": every clone, fork and CI cache of the repository has its contents, and its history keeps them after the "
    "file is deleted.";

// Throwaway secrets are for information only: a test key or a dev-container password grants nothing elsewhere.
void report(FindingSink& sink, std::string message, const settings::Origin& where, git::SecretWeight weight) {
  Finding& finding = sink.report(std::move(message), where);
  if (weight == git::SecretWeight::throwaway) finding.severity = Severity::info;
}

// Names the live secrets (or, when there is none, the throwaway ones), three at most.
void report_env_file(const git::SensitiveFile& file, FindingSink& sink) {
  const auto live = std::ranges::find_if(
      file.secrets, [](const git::SecretLiteral& s) { return s.weight.weight == git::SecretWeight::live; });
  if (file.secrets.empty()) return;
  const git::SecretLiteral& first = live != file.secrets.end() ? *live : file.secrets.front();
  std::string names;
  std::size_t listed = 0;
  for (const git::SecretLiteral& secret : file.secrets) {
    if (live != file.secrets.end() && secret.weight.weight != git::SecretWeight::live) continue;
    if (++listed > 3) {
      names += ", ...";
      break;
    }
    names += (names.empty() ? "" : ", ") + secret.name + " (" + secret.size + ")";
  }
  std::string message = "env file " + file.path + " is tracked by git and holds " + names;
  if (live == file.secrets.end())
    message += ", which look like throwaway credentials (" + first.weight.reason +
               "); rotate them only if they are used anywhere else.";
  else
    message += std::string(tracked_consequence);
  report(sink, std::move(message), settings::Origin{file.path, python::Position{first.line, 1, 0, 0}, false},
         first.weight.weight);
}

void check(const RuleContext& context, FindingSink& sink) {
  if (context.repository == nullptr) return;
  for (const git::SensitiveFile& file : context.repository->sensitive_files) {
    if (file.kind == git::SensitiveFile::Kind::env_file) {
      report_env_file(file, sink);
      continue;
    }
    const settings::Origin whole_file{file.path, python::Position{1, 1, 0, 0}, true};
    if (file.throwaway_reason.empty())
      report(sink, "private key " + file.path + " is tracked by git" + std::string(tracked_consequence), whole_file,
             git::SecretWeight::live);
    else
      report(sink,
             "private key " + file.path + " is tracked by git " + file.throwaway_reason +
                 ": a test key is harmless unless it is trusted anywhere else.",
             whole_file, git::SecretWeight::throwaway);
  }
}

}  // namespace

extern const Rule git001_sensitive_file_tracked{
    RuleInfo{
        .id = "GIT001",
        .name = "sensitive-file-tracked",
        .severity = Severity::error,
        .summary = "An env file holding a secret (.env, .env.production, ...) or a private key (*.key, *.pem with "
                   "a private key, id_rsa, *.p12, ...) is tracked by git.",
        .rationale =
            "Whatever a tracked file holds is in every clone, fork, CI cache and backup of the repository, and "
            "stays in its history after the file is deleted. Env files hold the production secrets by design "
            "(SECRET_KEY, database passwords, API tokens); a private key in the repository lets anyone "
            "impersonate the server or the deploy user.",
        .fix = "Stop tracking the file (git rm --cached FILE), add it to .gitignore, commit a template without "
               "values instead (.env.example), and rotate every secret the file held.",
        .example_fires = "git init -q .\n"
                         "printf 'DJANGO_SECRET_KEY=k9Xq-%s-7vLp-2mWz\\n' \"$RANDOM\" > .env\n"
                         "git add .env\n",
        .example_passes = "git init -q .\n"
                          "printf 'DJANGO_SECRET_KEY=\\n' > .env.example\n"
                          "printf '.env\\n' > .gitignore\n"
                          "git add .env.example .gitignore\n",
        .django_check = "",
        .notes = "Runs when the project dir is inside a git repository (--no-git turns the repository checks off; "
                 "outside a repository they cost nothing) and looks at the index, i.e. what the next commit holds, "
                 "under the project dir only. Templates (.env.example, .env.sample, .env.template, .env.dist, "
                 ".env.defaults) are not reported; a *.pem is reported only when it holds a PRIVATE KEY block. "
                 "An env file is judged by what it holds, value by value, with GIT002's decision table:\n\n"
                 "| env file holds | finding |\n"
                 "|---|---|\n"
                 "| no secret-named variable and no URL with a password (COMPOSE_PROJECT_NAME, DEBUG=1) | none |\n"
                 "| only placeholders (changeme, YOUR_..., {{ secret }}, ${VAR}, values under 4 characters) | none |\n"
                 "| only throwaway credentials (in a test, CI or dev-container file, dev settings, local hosts, "
                 "test-mode keys, well-known defaults) | info |\n"
                 "| at least one other secret | error |\n\n"
                 "A private key is an error, or info under a test or fixture directory. The finding points at the "
                 "first secret's line; the message names the variables and their lengths, never their values.",
        .concerns_secret = true,
        .example_language = "sh",
    },
    check,
};

}  // namespace deployctl::checks::rules
