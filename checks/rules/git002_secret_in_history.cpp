// GIT002 secret-in-history: a secret literal was committed once and the working tree no longer shows it, but the
// history reachable from HEAD still does. Found by the history scan (checks/git/history_scan.cpp).
#include <string>
#include <utility>

#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

// Where it was committed (the commit and the line of that version of the file); a throwaway secret is for
// information only.
void check(const RuleContext& context, FindingSink& sink) {
  if (context.repository == nullptr) return;
  for (const git::HistorySecret& secret : context.repository->history_secrets) {
    const bool throwaway = secret.literal.weight.weight == git::SecretWeight::throwaway;
    std::string message = secret.literal.name + " (" + secret.literal.size + ") was committed in " + secret.commit +
                          " (" + secret.date + ", line " + std::to_string(secret.literal.line) + " of " + secret.path +
                          ") and is still in the git history, though no tracked file has it now";
    if (throwaway)
      message += "; it looks like a throwaway credential (" + secret.literal.weight.reason +
                 "): rotate it only if it was ever used beyond that.";
    else
      message +=
          ": everyone with a clone has it. Rotate it: rewriting history does not recall the copies "
          "already cloned.";
    Finding& finding = sink.report(
        std::move(message),
        settings::Origin{secret.path, python::Position{secret.literal.line, secret.literal.column, 0, 0}, false},
        secret.literal.is_setting ? secret.literal.name : std::string());
    finding.where.commit = secret.commit;
    if (throwaway) finding.severity = Severity::info;
  }
}

}  // namespace

extern const Rule git002_secret_in_history{
    RuleInfo{
        .id = "GIT002",
        .name = "secret-in-history",
        .severity = Severity::error,
        .summary = "A SECRET_KEY, password, token or URL credential that may grant access somewhere was committed "
                   "as a literal and is still in the git history, though the working tree no longer has it.",
        .rationale = "Deleting a secret from the settings does not remove it from the repository: every clone has the "
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
                 "had it, with the line and column in that commit's version of the file (text output: "
                 "`path:line:col (in commit abc1234)`; JSON `commit`, SARIF `properties.commit`); the message "
                 "gives its length, never the value. A finding must be about something that grants access "
                 "somewhere, so each literal is weighed, first matching row wins:\n\n"
                 "| the literal | finding | why |\n"
                 "|---|---|---|\n"
                 "| a placeholder: under 4 characters, one character repeated, changeme/replace/example/dummy/"
                 "fake/xxxx/todo, YOUR_..., my...secret, the bare words secret/password/token, a variable's name "
                 "(DJANGO_SECRET_KEY), letters drummed along the home row (asdkjlfhsdlk) | none | grants nothing |\n"
                 "| a template or format argument: %s, %(name)s, {name}, {{ secret }}, ${VAR}, $VAR, $(cmd), "
                 "<your-key> | none | filled in at run time |\n"
                 "| a provider test-mode key (sk_test_, pk_test_) or a django-insecure- startproject key | info | "
                 "reaches test data or a development site only |\n"
                 "| in a test file (tests/, test_*.py, conftest.py, settings/test.py), a CI file (.github/, "
                 ".travis.yml, settings/ci.py, settings/travis.py), a docker-compose or dev-container file, or "
                 "development settings (settings/dev.py, *_dev.py, .env.development), or set only under "
                 "`if DEBUG:` | info | a throwaway database or service |\n"
                 "| a URL password for localhost, 127.0.0.0/8, ::1, a .local/.test/.example/.internal name, "
                 "example.com, or a single-label host (db, redis: a container name) | info | reaches nothing "
                 "beyond the machine or its compose network |\n"
                 "| a PASSWORD in a dict whose HOST is empty (the local socket) or such a local name, literally or as "
                 "an environment default (DATABASES) | info | the same |\n"
                 "| a well-known default password (postgres, root, guest, admin, ...) | info | the default of a "
                 "local service |\n"
                 "| anything else | error | it may be live |\n\n"
                 "A value seen both as a throwaway and as a live credential counts as live. The scan is "
                 "incremental: what it found is cached outside the repository ($XDG_CACHE_HOME/deployctl/history, "
                 "else ~/.cache/deployctl/history; names, places and digests, never values), and a later run of "
                 "the same deployctl build reads only the commits added since; when the cached commit is no longer "
                 "an ancestor of HEAD (a rebase, a reset, a rewrite) the whole history is scanned again.",
        .concerns_secret = true,
        .example_language = "sh",
    },
    check,
};

}  // namespace deployctl::checks::rules
