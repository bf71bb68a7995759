#!/usr/bin/python3
# share/docs/http-conformance.md is generated from the conformance corpus (tests/e2e/http_conformance/*.http): this
# check fails when they differ, and with UPDATE_GOLDEN=1 rewrites the document (review the diff).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_conformance import DOC_PATH, CaseError, read_corpus, render  # noqa: E402


def main():
    try:
        expected = render(read_corpus())
    except CaseError as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return 1
    if os.environ.get("UPDATE_GOLDEN") == "1":
        with open(DOC_PATH, "w", encoding="utf-8") as f:
            f.write(expected)
        print(f"rewrote {os.path.relpath(DOC_PATH)}")
        return 0
    try:
        with open(DOC_PATH, encoding="utf-8") as f:
            actual = f.read()
    except FileNotFoundError:
        actual = ""
    if actual != expected:
        print(f"FAIL: {DOC_PATH} is not what the conformance cases give; run "
              "`UPDATE_GOLDEN=1 ctest --test-dir build -L golden` and review the diff", file=sys.stderr)
        return 1
    print("PASS: share/docs/http-conformance.md matches the conformance cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
