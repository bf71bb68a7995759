#!/usr/bin/python3
# `deployctl check share/examples/mysite --format json`: the documented shape (key order included), a summary
# that counts the findings, project-relative paths to files that exist, report order, and the exit code.
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import expect, run  # noqa: E402

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROJECT = "share/examples/mysite"
FINDING_KEYS = ["rule", "severity", "message", "file", "line", "column", "setting", "django_check"]


def main(binary):
    result = run(binary, ["check", PROJECT, "--format", "json"], cwd=SOURCE_ROOT)
    expect(result.code in (0, 1) and result.err == "", "check must run cleanly", result)
    document = json.loads(result.out, object_pairs_hook=lambda pairs: pairs)  # keeps key order

    expect([key for key, _ in document] == ["tool", "version", "findings", "silenced", "summary"], "top-level keys", result)
    top = dict(document)
    version = run(binary, ["--version"]).out.split()[-1]
    expect(top["tool"] == "deployctl" and top["version"] == version, "tool and version", result)

    counts = {"error": 0, "warning": 0, "info": 0}
    places = []
    for pairs in top["findings"]:
        expect([key for key, _ in pairs] == FINDING_KEYS, f"finding keys {pairs}", result)
        finding = dict(pairs)
        expect(finding["severity"] in counts, f"severity {finding['severity']}", result)
        counts[finding["severity"]] += 1
        path = finding["file"]
        expect(path and not os.path.isabs(path) and not path.startswith(".."), f"relative path {path!r}", result)
        expect(os.path.isfile(os.path.join(SOURCE_ROOT, PROJECT, path)), f"{path} exists in the project", result)
        expect(isinstance(finding["line"], int) and isinstance(finding["column"], int), "line/column", result)
        for key in ("setting", "django_check"):
            expect(finding[key] is None or isinstance(finding[key], str), f"{key} is null or a string", result)
        places.append((finding["file"], finding["line"], finding["column"], finding["rule"]))

    expect(len(places) > 0, "the example project is meant to show findings", result)
    expect(places == sorted(places), "findings in file, line, column, rule order", result)
    summary = top["summary"]
    expect([key for key, _ in summary] == ["error", "warning", "info", "suppressed", "baselined", "silenced",
                                           "unknown_settings"], "summary keys", result)
    summary = dict(summary)
    expect({key: summary[key] for key in counts} == counts, f"summary {summary} counts the findings {counts}", result)
    expect(top["silenced"] == [] and summary["silenced"] == 0, "the example silences nothing", result)
    blind = sorted(dict(pairs)["setting"] for pairs in top["findings"] if dict(pairs)["rule"] == "DPL005")
    expect(summary["unknown_settings"] == blind, f"unknown_settings {summary['unknown_settings']} are the "
           f"settings DPL005 reports {blind}", result)
    expected_exit = 1 if counts["error"] + counts["warning"] > 0 else 0
    expect(result.code == expected_exit, f"exit {expected_exit} with the default --fail-on warning", result)

    for level, names in (("error", ["error"]), ("info", ["error", "warning", "info"])):
        strict = run(binary, ["check", PROJECT, "--format", "json", "--fail-on", level], cwd=SOURCE_ROOT)
        wanted = 1 if sum(counts[name] for name in names) > 0 else 0
        expect(strict.code == wanted, f"--fail-on {level} exits {wanted}", strict)


if __name__ == "__main__":
    main(sys.argv[1])
