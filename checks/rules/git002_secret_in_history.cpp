// GIT002 secret-in-history: a secret literal was committed once and the working tree no longer shows it, but the
// history reachable from HEAD still does. Found by the history scan (checks/git/history_scan.cpp).
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  if (context.repository == nullptr) return;
  for (const git::HistorySecret& secret : context.repository->history_secrets)
    sink.report(secret.literal.name + " (" + secret.literal.size + ") was committed in " + secret.commit + " (" +
                    secret.date + ", line " + std::to_string(secret.literal.line) + " of " + secret.path +
                    ") and is still in the git history, though no tracked file has it now: everyone with a clone "
                    "has it. Rotate it: rewriting history does not recall the copies already cloned.",
                settings::Origin{secret.path, python::Position{1, 1, 0, 0}, true},
                secret.literal.is_setting ? secret.literal.name : std::string());
}

}  // namespace

extern const Rule git002_secret_in_history{
    RuleInfo{
        .id = "GIT002",
        .name = "secret-in-history",
        .severity = Severity::error,
        .summary = "A SECRET_KEY, password, token or URL credential was committed as a literal and is still in the "
                   "git history, though the working tree no longer has it.",
        .rationale =
            "Deleting a secret from the settings does not remove it from the repository: every clone has the "
            "commit that added it. If that secret is still in use, anyone with the history can sign sessions, "
            "reset passwords or log in to the database. The only fix that works is to rotate it; rewriting "
            "history cannot recall the copies already cloned.",
        .fix = "Rotate the secret (generate a new SECRET_KEY, change the password or revoke the token) and read "
               "the new one from the environment or a secrets file that is not tracked.",
        .example_fires = "git init -q .\n"
                         "printf \"SECRET_KEY = 'k3y-%s-that-was-committed'\\n\" \"$RANDOM\" > settings.py\n"
                         "git add settings.py && git commit -qm 'settings'\n"
                         "printf \"import os\\nSECRET_KEY = os.environ['SECRET_KEY']\\n\" > settings.py\n"
                         "git commit -qam 'read the key from the environment'\n",
        .example_passes = "git init -q .\n"
                          "printf \"import os\\nSECRET_KEY = os.environ['SECRET_KEY']\\n\" > settings.py\n"
                          "git add settings.py && git commit -qm 'settings'\n",
        .django_check = "",
        .notes = "Walks every commit reachable from HEAD, reading each blob once. Without --all-paths only "
                 "settings-like paths are read: settings.py, settings_*.py, *_settings.py (local_settings.py), "
                 "Python files under settings/ or config/ directories, env files, and .ini/.cfg/.toml/.yaml/.json "
                 "files whose name says settings, secret or credential. Literals are found without evaluation: "
                 "assignments to SECRET_KEY and names ending in SECRET, PASSWORD, PASSWD, TOKEN, API_KEY, "
                 "PRIVATE_KEY or ACCESS_KEY, such dict keys (DATABASES' PASSWORD), the defaults of environment "
                 "reads of such variables, and passwords in URLs. A literal still present in a tracked file of the "
                 "working tree is left to the static rules (SK001, DB001, DB002, ...) and to review: GIT002 "
                 "reports what is only in the history. Each secret is reported once, at the commit that first "
                 "had it; the message gives its length, never the value.",
        .concerns_secret = true,
        .example_language = "sh",
    },
    check,
};

}  // namespace deployctl::checks::rules
