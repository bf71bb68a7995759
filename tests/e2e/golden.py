#!/usr/bin/python3
# Golden tests: each tests/e2e/golden/*.golden file holds a command, its exit code and its exact stdout and
# stderr. The command runs from the source root in a clean environment (not a terminal, so no colour).
#
#   golden.py DEPLOYCTL CASE.golden          compare one case
#   golden.py DEPLOYCTL --file PATH -- ARGS  compare the stdout of `deployctl ARGS` with a committed file
#                                            (share/docs/rules.md)
#
# The one way to update goldens after an intended change: UPDATE_GOLDEN=1 ctest --test-dir build -L golden
# then review the diff (git diff tests/e2e/golden share/docs) before committing.
#
# Case file format:
#   # comment lines (kept on update)
#   $ deployctl ARGS...        (shell-like quoting)
#   exit: N
#   --- stdout
#   ...
#   --- stderr
#   ...
import difflib
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def parse_case(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    comments, command = [], None
    lines = text.split("\n")
    index = 0
    while index < len(lines) and command is None:
        line = lines[index]
        if line.startswith("$ "):
            command = shlex.split(line[2:])
        elif line.startswith("#") or not line.strip():
            comments.append(line)
        else:
            common.fail(f"{path}:{index + 1}: expected '# comment' or '$ deployctl ARGS', got {line!r}")
        index += 1
    if not command or command[0] != "deployctl":
        common.fail(f"{path}: no '$ deployctl ARGS' line")
    rest = "\n".join(lines[index:])
    expected = {"exit": None, "stdout": "", "stderr": ""}
    header, _, body = rest.partition("--- stdout\n")
    if header.startswith("exit: "):
        expected["exit"] = int(header[len("exit: "):].strip())
    stdout, _, stderr = body.partition("--- stderr\n")
    expected["stdout"], expected["stderr"] = stdout, stderr
    return comments, command, expected


def render_case(comments, command, result):
    parts = [*comments, "$ " + shlex.join(command), f"exit: {result.code}", "--- stdout"]
    return "\n".join(parts) + "\n" + result.out + "--- stderr\n" + result.err


def diff(expected, actual, name):
    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), f"{name} (golden)",
                                        f"{name} (actual)"))


def check_case(binary, path):
    comments, command, expected = parse_case(path)
    result = common.run(binary, command[1:], cwd=SOURCE_ROOT)
    if UPDATE:
        with open(path, "w", encoding="utf-8") as f:
            f.write(render_case(comments, command, result))
        print(f"updated {os.path.relpath(path, SOURCE_ROOT)}")
        return
    problems = []
    if expected["exit"] != result.code:
        problems.append(f"exit code {result.code}, golden says {expected['exit']}")
    for stream, actual in (("stdout", result.out), ("stderr", result.err)):
        if expected[stream] != actual:
            problems.append(diff(expected[stream], actual, stream))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        common.fail(f"{os.path.relpath(path, SOURCE_ROOT)} differs; if the change is intended: "
                    "UPDATE_GOLDEN=1 ctest --test-dir build -L golden")


def check_file(binary, path, args):
    result = common.run(binary, args, cwd=SOURCE_ROOT)
    common.expect(result.code == 0 and not result.err, "the command failed", result)
    full = os.path.join(SOURCE_ROOT, path)
    if UPDATE:
        with open(full, "w", encoding="utf-8") as f:
            f.write(result.out)
        print(f"updated {path}")
        return
    try:
        with open(full, encoding="utf-8") as f:
            committed = f.read()
    except FileNotFoundError:
        committed = ""
    if committed != result.out:
        print(diff(committed, result.out, path), file=sys.stderr)
        common.fail(f"{path} is not what `deployctl {' '.join(args)}` prints; regenerate it with "
                    "UPDATE_GOLDEN=1 ctest --test-dir build -L golden")


def main(argv):
    if len(argv) >= 4 and argv[2] == "--file":
        separator = argv.index("--")
        check_file(argv[1], argv[3], argv[separator + 1:])
    elif len(argv) == 3:
        check_case(argv[1], argv[2])
    else:
        common.fail("usage: golden.py DEPLOYCTL CASE.golden | golden.py DEPLOYCTL --file PATH -- ARGS...")


if __name__ == "__main__":
    main(sys.argv)
