#!/usr/bin/python3
# Bad input never crashes or hangs the binary: binary, huge or unreadable settings, malformed env files, bad
# TOML, a settings module that is a directory. Each gives a clear message and exit 2; pathological but valid
# Python (deep nesting, very long lines) gives findings or a clean failure, never a signal.
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import expect, run, write_django_project, write_file  # noqa: E402


def project(root, settings):
    return write_django_project(root, settings, package="app")


def expect_failure(binary, args, *words):
    result = run(binary, args, timeout=60)
    expect(result.code == 2, f"exit 2 for {args}", result)
    expect(result.err.startswith("deployctl: error: "), "one error line", result)
    for word in words:
        expect(word in result.err, f"the message names {word!r}", result)


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        binary_settings = project(os.path.join(tmp, "binary"), b"DEBUG = True\n\x00\x01\x02")
        expect_failure(binary, ["check", binary_settings], "settings.py", "binary")

        huge = project(os.path.join(tmp, "huge"), "X = 1\n" * (1024 * 1024))
        expect_failure(binary, ["check", huge], "settings.py", "bytes")

        is_dir = project(os.path.join(tmp, "isdir"), "DEBUG = False\n")
        os.makedirs(os.path.join(is_dir, "app", "dirsettings.py"))
        expect_failure(binary, ["check", is_dir, "--settings", "app.dirsettings"], "app.dirsettings")

        env = project(os.path.join(tmp, "env"), "import os\nDEBUG = os.environ.get('D') == '1'\n")
        write_file(os.path.join(env, "bad.env"), "D=1\nthis is not an assignment\n")
        expect_failure(binary, ["check", env, "--env-file", os.path.join(env, "bad.env")], "bad.env:2")
        expect_failure(binary, ["check", env, "--env", "=1"], "--env")

        toml = project(os.path.join(tmp, "toml"), "DEBUG = False\n")
        write_file(os.path.join(toml, "deployctl.toml"), "[check\nselect = [\n")
        expect_failure(binary, ["check", toml], "deployctl.toml")
        write_file(os.path.join(toml, "deployctl.toml"), "[check]\nfail-on = \"sometimes\"\n")
        expect_failure(binary, ["check", toml], "deployctl.toml:2")

        not_utf8 = project(os.path.join(tmp, "latin1"), "NAME = '\xe9t\xe9'\n".encode("latin-1"))
        result = run(binary, ["check", not_utf8])
        expect(result.code in (1, 2) and (result.code == 1 or result.err.startswith("deployctl: error: ")),
               "invalid UTF-8 is a finding or a clean failure", result)

        for name, source in (("nested", "X = " + "(" * 3000 + "1" + ")" * 3000 + "\n"),
                             ("long", "X = '" + "a" * 500000 + "'\nDEBUG = True\n"),
                             ("syntax", "DEBUG = (\n")):
            result = run(binary, ["check", project(os.path.join(tmp, name), source)], timeout=60)
            expect(result.code in (0, 1, 2), f"{name}: a normal exit", result)


if __name__ == "__main__":
    main(sys.argv[1])
