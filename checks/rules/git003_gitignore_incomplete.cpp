// GIT003 gitignore-incomplete: git does not ignore the uploads, log files or env file the settings name, so the
// next `git add .` commits them. Probed with libgit2's ignore rules (checks/git/ignore_coverage.cpp).
#include <filesystem>
#include <string>
#include <utility>

#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

// What to add to .gitignore, and the message: the gap names the setting (or the loader) that makes the file.
void report(const git::IgnoreGap& gap, FindingSink& sink) {
  const std::string& shown = gap.shown;
  const std::string which = gap.in_project ? "the project's" : "the repository's top";
  std::string patterns, message;
  switch (gap.probe.kind) {
    case git::IgnoreProbe::Kind::media:
      patterns = "`/" + shown + "/`";
      message = gap.probe.source + " is " + shown + "/ in the working tree, and git does not ignore the uploads " +
                "there: `git add .` would commit them.";
      break;
    case git::IgnoreProbe::Kind::log_file: {
      const std::string folder = std::filesystem::path(shown).parent_path().generic_string();
      patterns = folder.empty() ? "`*.log`" : "`*.log` or `/" + folder + "/`";
      message = gap.probe.source + " writes to " + shown +
                " in the working tree, and git does not ignore it: " + "`git add .` would commit the log.";
      break;
    }
    case git::IgnoreProbe::Kind::env_file:
      patterns = "`.env` and `.env.*` (with `!.env.example`)";
      message = gap.probe.source + ", which reads " + shown + ", and git does not ignore that file: `git add .` " +
                "would commit the secrets a deploy puts there.";
      break;
  }
  sink.report(message + " Add " + patterns + " to " + which + " .gitignore.",
              settings::Origin{".gitignore", python::Position{1, 1, 0, 0}, true}, gap.probe.setting);
}

// One finding per file the settings make the app write (or read) that git would not ignore; one for the env file
// however many places its loader looks in.
void check(const RuleContext& context, FindingSink& sink) {
  if (context.repository == nullptr) return;
  bool env_reported = false;
  for (const git::IgnoreGap& gap : context.repository->ignore_gaps) {
    if (gap.probe.kind == git::IgnoreProbe::Kind::env_file && std::exchange(env_reported, true)) continue;
    report(gap, sink);
  }
}

}  // namespace

extern const Rule git003_gitignore_incomplete{
    RuleInfo{
        .id = "GIT003",
        .name = "gitignore-incomplete",
        .severity = Severity::warning,
        .summary = "git does not ignore a file the settings make the app write in the working tree (uploads under "
                   "MEDIA_ROOT, LOGGING's log files) or the env file they read.",
        .rationale =
            "A .env written for a deploy, a log full of request data or a folder of user uploads is one "
            "`git add .` away from the repository, where it stays in the history for good. Ignoring them up front "
            "is the cheap protection.",
        .fix = "Add the patterns the message names to the project's .gitignore: the MEDIA_ROOT directory, `*.log`, "
               "and `.env` with `.env.*` and `!.env.example`.",
        .example_fires = "git init -q .\n"
                         "printf '__pycache__/\\n' > .gitignore\n"
                         "printf \"MEDIA_ROOT = 'uploads'\\n\" >> mysite/settings.py\n",
        .example_passes = "git init -q .\n"
                          "printf '__pycache__/\\nuploads/\\n' > .gitignore\n"
                          "printf \"MEDIA_ROOT = 'uploads'\\n\" >> mysite/settings.py\n",
        .django_check = "",
        .notes = "Probes only what the evaluated settings name, each with every ignore source git uses (.gitignore "
                 "files up to the repository root, .git/info/exclude, core.excludesFile); relative paths are taken "
                 "from the project dir, where the app server normally starts:\n\n"
                 "| the settings | probed | finding when git does not ignore it |\n"
                 "|---|---|---|\n"
                 "| MEDIA_ROOT known and inside the working tree | a file in that directory | warning, setting "
                 "MEDIA_ROOT |\n"
                 "| a LOGGING handler whose class is a FileHandler (Rotating, TimedRotating, Watched), its filename "
                 "known and inside the working tree | that file | warning, setting LOGGING, one per handler |\n"
                 "| a settings file calls an env file loader (django-environ's read_env, python-dotenv's "
                 "load_dotenv or dotenv_values, django-dotenv's read_dotenv, python-decouple) without a path | .env "
                 "beside that file and in the project dir | one warning |\n"
                 "| such a loader given a path naming .env (BASE_DIR / '.env') | the project dir's .env | one "
                 "warning |\n"
                 "| MEDIA_ROOT unset or unknown, paths outside the working tree (/var/www/media), no loader, a "
                 "loader given another file (load_dotenv(path)) | "
                 "nothing | none: never a guess |\n\n"
                 "The finding is about .gitignore (file-level) and names the setting and where it is written. With "
                 "--new-since REF it is new when a .gitignore between the repository root and the project dir "
                 "changed since REF, or when the settings at REF did not name that path (a new or moved MEDIA_ROOT, "
                 "a log file added); a gap the settings already named at REF, under the same ignore files, is not "
                 "new.",
        .example_language = "sh",
    },
    check,
};

}  // namespace deployctl::checks::rules
