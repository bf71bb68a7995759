// GIT001 sensitive-file-tracked: an env file or a private key is tracked by git. The repository scan
// (checks/git/repository_checks.cpp) lists the tracked files that hold secrets by their nature; this rule reports them.
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  if (context.repository == nullptr) return;
  constexpr std::string_view consequence =
      ": every clone, fork and CI cache of the repository has its contents, and its history keeps them after "
      "the file is deleted.";
  for (const git::SensitiveFile& file : context.repository->sensitive_files) {
    const std::string what = file.kind == git::SensitiveFile::Kind::env_file ? "env file " : "private key ";
    sink.report(what + file.path + " is tracked by git" + std::string(consequence),
                settings::Origin{file.path, python::Position{1, 1, 0, 0}, true});
  }
}

}  // namespace

extern const Rule git001_sensitive_file_tracked{
    RuleInfo{
        .id = "GIT001",
        .name = "sensitive-file-tracked",
        .severity = Severity::error,
        .summary = "An env file (.env, .env.production, ...) or a private key (*.key, *.pem with a private key, "
                   "id_rsa, *.p12, ...) is tracked by git.",
        .rationale =
            "Whatever a tracked file holds is in every clone, fork, CI cache and backup of the repository, and "
            "stays in its history after the file is deleted. Env files hold the production secrets by design "
            "(SECRET_KEY, database passwords, API tokens); a private key in the repository lets anyone "
            "impersonate the server or the deploy user.",
        .fix = "Stop tracking the file (git rm --cached FILE), add it to .gitignore, commit a template without "
               "values instead (.env.example), and rotate every secret the file held.",
        .example_fires = "git init -q .\n"
                         "printf 'DJANGO_SECRET_KEY=change-me-%s\\n' \"$RANDOM\" > .env\n"
                         "git add .env\n",
        .example_passes = "git init -q .\n"
                          "printf 'DJANGO_SECRET_KEY=\\n' > .env.example\n"
                          "printf '.env\\n' > .gitignore\n"
                          "git add .env.example .gitignore\n",
        .django_check = "",
        .notes = "Runs when the project dir is inside a git repository (--no-git turns the repository checks off) "
                 "and looks at the index, i.e. what the next commit holds, under the project dir only. Templates "
                 "(.env.example, .env.sample, .env.template, .env.dist, .env.defaults) are not reported; a *.pem "
                 "is reported only when it holds a PRIVATE KEY block.",
        .concerns_secret = true,
        .example_language = "sh",
    },
    check,
};

}  // namespace deployctl::checks::rules
