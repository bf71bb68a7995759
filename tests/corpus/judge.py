#!/usr/bin/python3
"""Re-runs the hand judgement of `deployctl check` on the real-world corpus and prints precision and recall.

The projects (projects.tsv) are public repositories with their whole history, never committed here: clone each
into $CORPUS_DIR/<project> (default /work/corpus) at the commit given. judgements.tsv holds one row per finding
judged by hand, and one per problem a rule covers that deployctl did not report:

    project  commit  rule  setting  file  verdict  reason

verdict is `right` (a true finding), `wrong` (a false one) or `missed` (a reportable problem with no finding).
`file` is relative to the project dir; a finding about a file as an old commit had it is `path@commit`.
A finding matches a row by (project, rule, setting, file); equal keys are matched by count.

Precision: right findings / all judged findings reported now. Recall: reportable problems (right or missed
rows) reported now / all of them. Findings no row judges are listed as UNJUDGED and make the run fail, as do
the targets (precision at least 95%, recall at least 90%). Usage:

    tests/corpus/judge.py [--deployctl build/deployctl] [--project NAME] [--show]
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def read_tsv(name):
    with open(os.path.join(HERE, name), newline="") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if not row[next(iter(row))].startswith("#")]
    return rows


def findings_of(deployctl, corpus_dir, project, cache_home):
    checkout = os.path.join(corpus_dir, project["project"])
    if not os.path.isdir(checkout):
        sys.exit(f"judge: {checkout} is missing: clone https://github.com/{project['repository']} there "
                 f"and check out {project['commit']}")
    head = subprocess.run(["git", "-C", checkout, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    if not head.startswith(project["commit"]):
        sys.exit(f"judge: {checkout} is at {head.strip()[:12]}, the judgement is of {project['commit']}: "
                 f"git -C {checkout} checkout {project['commit']}")
    args = [deployctl, "check", os.path.join(checkout, project["dir"]), "--format", "json", "--exit-zero"]
    if project["settings"]:
        args += ["--settings", project["settings"]]
    for pair in filter(None, project["env"].split(";")):
        args += ["--env", pair]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": cache_home,
           "XDG_CACHE_HOME": cache_home}
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"judge: deployctl failed on {project['project']} ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)["findings"]


def key_of(finding):
    place = finding["file"] + ("@" + finding["commit"] if finding.get("commit") else "")
    return (finding["rule"], finding.get("setting") or "", place)


def family(rule):
    return "repository rules (GIT)" if rule.startswith("GIT") else "settings rules"


def figures(counts):
    """Precision, recall and the sentence that gives them with their counts."""
    true_positives = counts["right"] + counts["found_missed"]
    reported_judged = true_positives + counts["wrong"]
    reportable = true_positives + counts["missed"] + counts["lost"]
    precision = true_positives / reported_judged if reported_judged else 1.0
    recall = true_positives / reportable if reportable else 1.0
    return precision, recall, (f"precision {precision:.1%} ({true_positives} of {reported_judged} judged findings "
                               f"right), recall {recall:.1%} ({true_positives} of {reportable} reportable problems "
                               f"found)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deployctl", default=os.path.join(ROOT, "build", "deployctl"))
    parser.add_argument("--corpus-dir", default=os.environ.get("CORPUS_DIR", "/work/corpus"))
    parser.add_argument("--project", action="append", help="only these projects")
    parser.add_argument("--show", action="store_true", help="list every finding with its verdict")
    options = parser.parse_args()

    projects = [p for p in read_tsv("projects.tsv") if not options.project or p["project"] in options.project]
    judgements = collections.defaultdict(list)
    for row in read_tsv("judgements.tsv"):
        judgements[row["project"]].append(row)

    totals = collections.Counter()
    families = collections.defaultdict(collections.Counter)  # the repository rules and the settings rules apart
    unjudged = []
    with tempfile.TemporaryDirectory(prefix="deployctl-corpus-") as cache_home:
        for project in projects:
            name = project["project"]
            reported = collections.Counter(key_of(f) for f in findings_of(options.deployctl, options.corpus_dir,
                                                                          project, cache_home))
            messages = {}
            rows = collections.defaultdict(list)
            for row in judgements[name]:
                if row["commit"] != project["commit"]:
                    continue  # judged at another commit of the project
                rows[(row["rule"], row["setting"], row["file"])].append(row)
            counts = collections.Counter()
            for key in sorted(set(reported) | set(rows)):
                now = reported.get(key, 0)
                judged = rows.get(key, [])
                for row in judged:
                    verdict = row["verdict"]
                    hit = now > 0
                    now -= hit
                    if verdict == "right":
                        outcome = "right" if hit else "lost"
                    elif verdict == "wrong":
                        outcome = "wrong" if hit else "wrong_gone"
                    else:
                        outcome = "found_missed" if hit else "missed"
                    counts[outcome] += 1
                    families[family(key[0])][outcome] += 1
                    if options.show:
                        state = "reported" if hit else "not reported"
                        print(f"  {name}: {verdict:6} {state:12} {key[0]} {key[1] or '-'} {key[2]}: {row['reason']}")
                for _ in range(now):
                    unjudged.append((name, key))
            totals.update(counts)
            print(f"{name}: {counts['right'] + counts['found_missed']} right, {counts['wrong']} wrong, "
                  f"{counts['missed'] + counts['lost']} missed"
                  + (f", {counts['wrong_gone']} wrong ones no longer reported" if counts["wrong_gone"] else ""))

    print()
    for name, counts in sorted(families.items()):
        print(f"{name}: " + figures(counts)[2])
    precision, recall, text = figures(totals)
    print("all rules: " + text)
    for name, (rule, setting, place) in unjudged:
        print(f"UNJUDGED {name}\t{rule}\t{setting}\t{place}")
    met = precision >= 0.95 and recall >= 0.90
    print(f"targets (precision >= 95%, recall >= 90%): {'met' if met else 'MISSED'}"
          + (f"; {len(unjudged)} findings to judge" if unjudged else ""))
    return 0 if met and not unjudged else 1


if __name__ == "__main__":
    sys.exit(main())
