// GIT003 gitignore-incomplete: git does not ignore env files, log files or uploaded media in the project dir,
// so the next `git add .` commits them. Probed with libgit2's ignore rules (checks/git/ignore_coverage.cpp).
#include "checks/rules/rule.hpp"

namespace deployctl::checks::rules {

namespace {

void check(const RuleContext& context, FindingSink& sink) {
  if (context.repository == nullptr) return;
  for (const git::IgnoreGap& gap : context.repository->ignore_gaps)
    sink.report(gap.what + " are not ignored by git (" + gap.probe + " would be committed by `git add .`); add " +
                    gap.patterns + " to .gitignore.",
                settings::Origin{".gitignore", python::Position{1, 1, 0, 0}, true});
}

}  // namespace

extern const Rule git003_gitignore_incomplete{
    RuleInfo{
        .id = "GIT003",
        .name = "gitignore-incomplete",
        .severity = Severity::warning,
        .summary = "The .gitignore rules do not cover env files, log files or media uploads in the project dir.",
        .rationale =
            "A .env written for a deploy, a log full of request data or a folder of user uploads is one "
            "`git add .` away from the repository, where it stays in the history for good. Ignoring them up front "
            "is the cheap protection.",
        .fix = "Add the missing patterns to the project's .gitignore: `.env` and `.env.*` with `!.env.example`, "
               "`*.log` (or `logs/`), and `media/` (MEDIA_ROOT).",
        .example_fires = "git init -q .\n"
                         "printf '__pycache__/\\n' > .gitignore\n",
        .example_passes = "git init -q .\n"
                          "printf '.env\\n.env.*\\n!.env.example\\n*.log\\nmedia/\\n' > .gitignore\n",
        .django_check = "",
        .notes = "Probes .env, logs/deployctl-probe.log and media/deployctl-probe.png under the project dir with "
                 "every ignore source git uses (.gitignore files up to the repository root, .git/info/exclude, "
                 "core.excludesFile): one finding per category that is not ignored. Not reported as new by "
                 "--new-since unless a .gitignore between the repository root and the project dir changed.",
        .example_language = "sh",
    },
    check,
};

}  // namespace deployctl::checks::rules
