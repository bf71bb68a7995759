// GIT001 sensitive-file-tracked: an env file or a private key is tracked by git. The repository scan
// (checks/git/repository_checks.cpp) reports it; the settings model has nothing to say about it.
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const settings::SettingsModel&, FindingSink&) {}

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
