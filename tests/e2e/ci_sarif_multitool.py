#!/usr/bin/python3
# The sarif output of the example project validated by Microsoft's SARIF Multitool (`sarif-multitool validate`):
# no errors, and every warning it gives is one explained below. The tool is installed with npm into a cache dir
# of the build tree on first use; the test skips (125) only when npm is missing or cannot install it.
#
#   ci_sarif_multitool.py DEPLOYCTL CACHE_DIR
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE = "@microsoft/sarif-multitool"
BINARY = os.path.join("node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool")

# Warnings the validator may give on our output, each with why it stays. Multitool 5.7.0 gives none: messages
# end with a period, rules have PascalCase names, help and helpUri, the driver has version and informationUri.
# (originalUriBaseIds[%SRCROOT%] deliberately has a description but no absolute uri: the root differs on every
# checkout, and the validator accepts that.) Add an entry here, with its reason, before accepting a new warning.
EXPLAINED = {}

LINE = re.compile(r"^(?P<file>.*)\((?P<line>\d+),(?P<col>\d+)\): (?P<level>error|warning|note) (?P<code>[A-Z]+\d+): "
                  r"(?P<text>.*)$")


def install(cache):
    binary = os.path.join(cache, BINARY)
    if not os.path.exists(binary):
        npm = shutil.which("npm")
        if npm is None:
            print("SKIP: npm is not installed", file=sys.stderr)
            sys.exit(common.SKIP)
        os.makedirs(cache, exist_ok=True)
        try:
            subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", cache, PACKAGE], check=True,
                           capture_output=True, text=True, timeout=240)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            print(f"SKIP: npm could not install {PACKAGE}: {error}", file=sys.stderr)
            sys.exit(common.SKIP)
        common.expect(os.path.exists(binary), f"npm installed {PACKAGE} but {binary} is missing")
    # npm skips the package's install script, which is exactly this chmod.
    os.chmod(binary, os.stat(binary).st_mode | stat.S_IXUSR)
    return binary


def validate(binary, sarif_file, home):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
           "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1", "LANG": "C.UTF-8"}
    completed = subprocess.run([binary, "validate", sarif_file], capture_output=True, text=True, timeout=180, env=env)
    output = completed.stdout + completed.stderr
    problems = [m.groupdict() for m in map(LINE.match, output.splitlines()) if m]
    errors = [p for p in problems if p["level"] == "error"]
    unexplained = [p for p in problems if p["level"] == "warning" and p["code"] not in EXPLAINED]
    if completed.returncode != 0 or errors or unexplained or "Analysis completed successfully" not in output:
        common.fail(f"sarif-multitool validate {sarif_file}: exit {completed.returncode}, {len(errors)} errors, "
                    f"{len(unexplained)} unexplained warnings\n{output}")
    return problems


def main(deployctl, cache):
    binary = install(cache)
    with tempfile.TemporaryDirectory() as tmp:
        sarif_file = os.path.join(tmp, "mysite.sarif")
        result = common.run(deployctl, ["check", "share/examples/mysite", "--format", "sarif", "--output", sarif_file],
                            cwd=SOURCE_ROOT)
        common.expect(result.code == 1 and result.out == "", "the example project has findings", result)
        problems = validate(binary, sarif_file, tmp)
        for problem in problems:
            if problem["level"] == "warning":
                print(f"explained warning {problem['code']}: {EXPLAINED[problem['code']]}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
