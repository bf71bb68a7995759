#!/usr/bin/python3
# The everyday switches of `deployctl check` end to end: --output (atomic, nothing on stdout), --statistics,
# --quiet, --exit-zero, --show-source/--no-show-source, their deployctl.toml keys, and the format list in errors.
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import expect, run, write_django_project, write_file  # noqa: E402


def project(root, settings, config=None):
    write_django_project(root, settings)
    if config is not None:
        write_file(os.path.join(root, "deployctl.toml"), config)
    return root


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        dirty = project(os.path.join(tmp, "dirty"), "DEBUG = True\nALLOWED_HOSTS = ['*']\n")
        clean = project(os.path.join(tmp, "clean"), "DEBUG = False\n")
        select = ["--select", "DJ018,HOST001"]

        # --output: the report goes to the file, atomically (no temporary left beside it), stdout stays empty.
        out_file = os.path.join(tmp, "report.json")
        result = run(binary, ["check", dirty, *select, "--format", "json", "--output", out_file])
        expect(result.code == 1 and result.out == "" and result.err == "", "--output: quiet stdout, exit 1", result)
        with open(out_file) as f:
            expect([x["rule"] for x in json.load(f)["findings"]] == ["DJ018", "HOST001"], "--output wrote the report")
        expect(sorted(os.listdir(tmp)) == ["clean", "dirty", "report.json"], "no temporary file left behind")
        bad_output = run(binary, ["check", dirty, *select, "--output", os.path.join(tmp, "no", "such", "dir", "r")])
        expect(bad_output.code == 2 and bad_output.err.startswith("deployctl: error: "), "unwritable --output", bad_output)

        # --statistics: counts per rule instead of the findings; with a machine format only next to --output.
        stats = run(binary, ["check", dirty, *select, "--statistics"])
        expect(stats.code == 1, "--statistics keeps the exit status", stats)
        expect(stats.out.startswith("1  DJ018    [warning]  debug-enabled\n1  HOST001  [warning]  "),
               "--statistics table", stats)
        expect("|" not in stats.out and stats.out.endswith("Found 2 warnings.\n"), "no findings, the summary", stats)
        refused = run(binary, ["check", dirty, "--statistics", "--format", "sarif"])
        expect(refused.code == 2 and "add --output FILE" in refused.err, "--statistics with sarif on stdout", refused)
        sarif_file = os.path.join(tmp, "report.sarif")
        both = run(binary, ["check", dirty, *select, "--statistics", "--format", "sarif", "--output", sarif_file])
        expect(both.code == 1 and both.out.startswith("1  DJ018"), "statistics on stdout, sarif in the file", both)
        with open(sarif_file) as f:
            expect(len(json.load(f)["runs"][0]["results"]) == 2, "the sarif file has both results")

        # --quiet: findings only; a clean run prints nothing at all.
        quiet_clean = run(binary, ["check", clean, "--select", "DJ018", "--quiet"])
        expect(quiet_clean.code == 0 and quiet_clean.out == "" and quiet_clean.err == "", "--quiet clean", quiet_clean)
        quiet_dirty = run(binary, ["check", dirty, *select, "-q"])
        expect(quiet_dirty.code == 1 and "DJ018 [warning]" in quiet_dirty.out and "Found" not in quiet_dirty.out,
               "--quiet keeps the findings, drops the summary", quiet_dirty)

        # --exit-zero: findings do not fail the run; a tool failure still does.
        zero = run(binary, ["check", dirty, *select, "--exit-zero"])
        expect(zero.code == 0 and "DJ018 [warning]" in zero.out, "--exit-zero reports and exits 0", zero)
        failure = run(binary, ["check", os.path.join(tmp, "missing"), "--exit-zero"])
        expect(failure.code == 2, "--exit-zero does not hide a tool failure", failure)

        # --show-source (default) and --no-show-source; the last one given wins.
        shown = run(binary, ["check", dirty, "--select", "DJ018"])
        expect("1 | DEBUG = True" in shown.out, "the source line is shown by default", shown)
        hidden = run(binary, ["check", dirty, "--select", "DJ018", "--no-show-source"])
        expect("DEBUG = True" not in hidden.out and "= help:" in hidden.out, "--no-show-source", hidden)
        again = run(binary, ["check", dirty, "--select", "DJ018", "--no-show-source", "--show-source"])
        expect("1 | DEBUG = True" in again.out, "--show-source after --no-show-source", again)

        # The same switches from deployctl.toml; a flag given wins over its key.
        configured = project(os.path.join(tmp, "configured"), "DEBUG = True\n",
                             '[check]\nselect = ["DJ018"]\nexit-zero = true\nquiet = true\nshow-source = false\n'
                             'output = "out/report.txt"\n')
        os.makedirs(os.path.join(configured, "out"))
        from_config = run(binary, ["check", configured])
        expect(from_config.code == 0 and from_config.out == "", "config keys apply", from_config)
        with open(os.path.join(configured, "out", "report.txt")) as f:
            text = f.read()
        expect("DJ018 [warning]" in text and "DEBUG = True" not in text and "Found" not in text,
               "output relative to the config's directory, quiet, no source: " + text)
        overridden = run(binary, ["check", configured, "--show-source", "--output", os.path.join(tmp, "o.txt")])
        with open(os.path.join(tmp, "o.txt")) as f:
            expect("1 | DEBUG = True" in f.read(), "--show-source overrides show-source = false", overridden)
        bad_key = project(os.path.join(tmp, "bad_key"), "DEBUG = True\n", '[check]\nexit-zero = "yes"\n')
        bad = run(binary, ["check", bad_key])
        expect(bad.code == 2 and "deployctl.toml:2:13: 'exit-zero' in [check] (--exit-zero) must be true or false"
               in bad.err, "a non-boolean switch in the config is named", bad)

        # An unknown format lists the formats from the one table.
        unknown = run(binary, ["check", dirty, "--format", "sarf"])
        expect(unknown.code == 2 and "Did you mean 'sarif'?" in unknown.err and
               "Formats: text, json, sarif, github, gitlab, junit." in unknown.err, "the formats are listed", unknown)


if __name__ == "__main__":
    main(sys.argv[1])
