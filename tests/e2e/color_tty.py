#!/usr/bin/python3
# Colour: on when stdout is a terminal (a pty here), off when NO_COLOR is set, off when stdout is a pipe.
import os
import pty
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import clean_env, expect, run, write_django_project  # noqa: E402


def run_on_terminal(binary, args, env):
    leader, follower = pty.openpty()
    process = subprocess.Popen([binary, *args], stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO once the child closed its side
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    process.wait(timeout=60)
    expect(process.returncode >= 0, f"killed by signal {-process.returncode}")
    return process.returncode, b"".join(chunks).decode("utf-8", "replace")


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        write_django_project(tmp, "DEBUG = True\n")
        args = ["check", tmp, "--select", "DJ018"]

        code, out = run_on_terminal(binary, args, clean_env())
        expect(code == 1 and "\x1b[" in out, f"colour on a terminal:\n{out!r}")
        code, out = run_on_terminal(binary, args, clean_env(NO_COLOR="1"))
        expect(code == 1 and "\x1b[" not in out and "DJ018" in out, f"no colour with NO_COLOR:\n{out!r}")
        piped = run(binary, args)
        expect(piped.code == 1 and "\x1b[" not in piped.out, "no colour into a pipe", piped)


if __name__ == "__main__":
    main(sys.argv[1])
