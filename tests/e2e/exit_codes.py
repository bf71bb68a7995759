#!/usr/bin/python3
# Exit codes of the binary: 0 nothing at or above --fail-on, 1 something is, 2 the tool could not do its job,
# always with one `deployctl: error: ...` line on stderr for 2.
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import expect, run  # noqa: E402


def project(root, settings):
    os.makedirs(os.path.join(root, "mysite"), exist_ok=True)
    with open(os.path.join(root, "manage.py"), "w") as f:
        f.write("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n")
    open(os.path.join(root, "mysite", "__init__.py"), "w").close()
    with open(os.path.join(root, "mysite", "settings.py"), "w") as f:
        f.write(settings)
    return root


def expect_tool_failure(binary, args, message):
    result = run(binary, args)
    expect(result.code == 2, f"exit 2 for {args}", result)
    expect(result.err.startswith("deployctl: error: ") and message in result.err, f"message {message!r}", result)
    expect(result.err.count("deployctl: error: ") == 1, "exactly one error line", result)


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        clean = project(os.path.join(tmp, "clean"), "DEBUG = False\n")
        dirty = project(os.path.join(tmp, "dirty"), "DEBUG = True\n")
        ok = run(binary, ["check", clean, "--select", "DJ018"])
        expect(ok.code == 0 and ok.out == "All checks passed.\n", "a clean project exits 0", ok)
        found = run(binary, ["check", dirty, "--select", "DJ018"])
        expect(found.code == 1 and "DJ018 [warning]" in found.out, "a warning exits 1", found)
        expect(run(binary, ["check", dirty, "--select", "DJ018", "--fail-on", "error"]).code == 0,
               "a warning is below --fail-on error")
        expect(run(binary, ["check", dirty, "--select", "DJ018", "--severity", "DJ018=error",
                            "--fail-on", "error"]).code == 1, "raised to error, it reaches --fail-on error")

        expect_tool_failure(binary, ["check", os.path.join(tmp, "missing")], "does not exist")
        expect_tool_failure(binary, ["check", tmp], "")
        expect_tool_failure(binary, ["check", dirty, "--select", "DJ0188"], "Did you mean 'DJ018'?")
        expect_tool_failure(binary, ["chek"], "Did you mean 'check'?")
        expect_tool_failure(binary, ["check", "--fromat", "json"], "Did you mean '--format'?")
        expect_tool_failure(binary, ["explain", "DJ0188"], "Did you mean 'DJ018'?")
        expect_tool_failure(binary, [], "no command given")

        for args in (["--version"], ["--help"], ["help", "check"], ["rules"], ["explain", "DJ018"]):
            result = run(binary, args)
            expect(result.code == 0 and result.out and not result.err, f"{args} succeeds", result)


if __name__ == "__main__":
    main(sys.argv[1])
