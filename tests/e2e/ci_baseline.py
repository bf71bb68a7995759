#!/usr/bin/python3
# Baselines end to end: --write-baseline, then --baseline on the same project (nothing new), after an edit
# that shifts every line (still nothing new), after adding a finding (only it), after fixing one (its entry
# is listed as stale); the baseline never holds a secret, and a broken baseline is a clear tool failure.
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import expect, run, write_django_project, write_file  # noqa: E402

SECRET = "hunter2-baseline-must-not-leak"
SETTINGS = f"DEBUG = True\nALLOWED_HOSTS = ['*']\nSECRET_KEY = '{SECRET}'\n"


def write_settings(root, settings):
    write_file(os.path.join(root, "mysite", "settings.py"), settings)


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        root = write_django_project(os.path.join(tmp, "site"), SETTINGS)
        baseline = os.path.join(tmp, "baseline.json")
        select = ["--select", "DJ018,HOST001,SK001,CORS001"]

        wrote = run(binary, ["check", root, *select, "--write-baseline", baseline])
        expect(wrote.code == 0 and wrote.out == f"Wrote a baseline of 3 findings to {baseline}.\n", "written", wrote)
        with open(baseline) as f:
            text = f.read()
        expect(SECRET not in text, "the baseline never holds the secret")
        document = json.loads(text)
        expect(sorted(e["rule"] for e in document["findings"]) == ["DJ018", "HOST001", "SK001"], "entries: " + text)

        same = run(binary, ["check", root, *select, "--baseline", baseline])
        expect(same.code == 0 and same.out == "All checks passed (3 in the baseline).\n" and same.err == "",
               "the same findings: nothing new", same)

        # An edit above shifts every line: the fingerprints do not depend on line numbers.
        write_settings(root, "import os\n\n# moved down\n" + SETTINGS.replace("DEBUG = True", "DEBUG  =  True  # x"))
        shifted = run(binary, ["check", root, *select, "--baseline", baseline])
        expect(shifted.code == 0 and shifted.err == "", "shifted lines: still nothing new", shifted)

        # A new finding is the only one reported.
        write_settings(root, SETTINGS + "CORS_ALLOW_ALL_ORIGINS = True\n")
        grown = run(binary, ["check", root, *select, "--baseline", baseline, "--format", "json"])
        findings = json.loads(grown.out)["findings"]
        expect(grown.code == 1 and [x["rule"] for x in findings] == ["CORS001"], "only the new finding", grown)

        # A fixed finding leaves a stale entry, listed on stderr (and not with --quiet).
        write_settings(root, SETTINGS.replace("['*']", "['example.com']"))
        fixed = run(binary, ["check", root, *select, "--baseline", baseline])
        expect(fixed.code == 0, "nothing new after a fix", fixed)
        expect("1 entry of the baseline" in fixed.err and "HOST001 mysite/settings.py (ALLOWED_HOSTS)" in fixed.err,
               "the stale entry is listed", fixed)
        quiet = run(binary, ["check", root, *select, "--baseline", baseline, "--quiet"])
        expect(quiet.code == 0 and quiet.out == "" and quiet.err == "", "--quiet hides the stale list", quiet)
        for result in (wrote, same, shifted, grown, fixed):
            expect(SECRET not in result.out + result.err, "no secret printed", result)

        # Broken or missing baselines are tool failures that say how to fix them.
        with open(baseline, "w") as f:
            f.write("{not json")
        broken = run(binary, ["check", root, *select, "--baseline", baseline])
        expect(broken.code == 2 and "not a deployctl baseline" in broken.err and "--write-baseline" in broken.err,
               "a broken baseline", broken)
        missing = run(binary, ["check", root, *select, "--baseline", os.path.join(tmp, "none.json")])
        expect(missing.code == 2 and "none.json" in missing.err, "a missing baseline", missing)


if __name__ == "__main__":
    main(sys.argv[1])
