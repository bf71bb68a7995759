#!/usr/bin/python3
# The differential test: for every case of tests/fixtures/django, the Django check ids the real Django reports
# (Debian's Django 3.2 under /usr/bin/python3) must equal those deployctl reports, restricted to the checks
# deployctl mirrors; every difference must be listed, with its reason, in EXPECTED_DIFFERENCES below.
"""Compare deployctl's Django-parity findings with the real Django's system checks.

Usage: django_differential.py --deployctl PATH [--fixtures DIR] [--case NAME ...] [--oracle-only]

Each case (a settings module plus one environment, see tests/fixtures/django/README.md) runs through
  (a) Django: DJANGO_SETTINGS_MODULE=<module>, django.setup(), run_checks(include_deployment_checks=True), in a
      child forked from this process (which imports Django's settings-independent modules once);
  (b) deployctl check <fixtures> --settings <module> --env K=V ... --format json --select DJ;
several cases at a time. Exit status 0 when everything agrees (or differs as listed), 1 otherwise.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import gc
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DJANGO_PYTHON = "/usr/bin/python3"  # Debian's interpreter, the one with Django (never a pyenv `python3`)
DEFAULT_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "django"
TIMEOUT_SECONDS = 60

# The Django check ids deployctl mirrors: RuleInfo.django_check of the DJ rules. A deployctl finding with any other
# id fails the test, so this list stays in step with the rules.
IMPLEMENTED = {
    "security.W001", "security.W002", "security.W003", "security.W004", "security.W005", "security.W006",
    "security.W008", "security.W009", "security.W010", "security.W011", "security.W012", "security.W013",
    "security.W014", "security.W015", "security.W016", "security.W018", "security.W019", "security.W020",
    "security.W021", "security.W022", "security.E023", "security.E024", "security.W025", "security.E026",
    "caches.E001", "caches.W002", "caches.W003", "urls.E006", "4_0.E001",
}

# Checks of current Django that the oracle (Django 3.2) does not have: deployctl follows current Django, so
# these can only ever fire on deployctl's side. Every case where one fires is still listed below.
NEWER_THAN_ORACLE = {
    "security.E024": "SECURE_CROSS_ORIGIN_OPENER_POLICY and its check arrived in Django 4.0",
    "security.W025": "SECRET_KEY_FALLBACKS and its check arrived in Django 4.1",
    "security.E026": "SECURE_CSP and its check arrived in Django 6.0",
    "4_0.E001": "the scheme requirement for CSRF_TRUSTED_ORIGINS arrived in Django 4.0",
}

DEPLOYCTL_ONLY = "only deployctl reports it"
DJANGO_ONLY = "only Django reports it"

IS_TRUE_SINCE_4_1 = ("Django >= 4.1 requires the cookie setting to be `True` itself (`is True`); the oracle, "
                     "Django 3.2, tests truthiness, and the value here is truthy but not True")

# Every known difference between the oracle and deployctl: (case, check id) -> (direction, reason).
# An entry that no longer matches what happens fails the test too, so this table cannot go stale.
EXPECTED_DIFFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("coop_invalid", "security.E024"): (DEPLOYCTL_ONLY, NEWER_THAN_ORACLE["security.E024"]),
    ("secret_key_fallbacks", "security.W025"): (DEPLOYCTL_ONLY, NEWER_THAN_ORACLE["security.W025"]),
    ("secret_key_fallbacks_env:weak", "security.W025"): (DEPLOYCTL_ONLY, NEWER_THAN_ORACLE["security.W025"]),
    ("csp_string", "security.E026"): (DEPLOYCTL_ONLY, NEWER_THAN_ORACLE["security.E026"]),
    ("csrf_trusted_origins:bare", "4_0.E001"): (DEPLOYCTL_ONLY, NEWER_THAN_ORACLE["4_0.E001"]),
    ("cookies_truthy", "security.W012"): (DEPLOYCTL_ONLY, IS_TRUE_SINCE_4_1),
    ("cookies_truthy", "security.W016"): (DEPLOYCTL_ONLY, IS_TRUE_SINCE_4_1),
    ("cookies_env_string:unset", "security.W012"): (DEPLOYCTL_ONLY, IS_TRUE_SINCE_4_1 + " (the string 'False')"),
    ("unknowable_debug", "security.W018"): (
        DJANGO_ONLY, "DEBUG depends on socket.gethostname(), known only when the code runs: deployctl never guesses"),
}

HEADER = re.compile(r"^#\s*deployctl-test-env(?:\s+(?P<label>[\w-]+))?\s*:(?P<env>.*)$")


@dataclass
class Case:
    name: str
    module: str
    path: Path
    env: dict[str, str]


@dataclass
class Outcome:
    case: Case
    django: dict[str, str] = field(default_factory=dict)     # id -> message
    deployctl: dict[str, list[str]] = field(default_factory=dict)  # id -> messages
    error: str = ""
    django_version: str = ""


def discover_cases(root: Path) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).with_suffix("")
        if relative.name == "__init__":
            continue
        module = ".".join(relative.parts)
        headers = []
        for line in path.read_text(encoding="utf-8").splitlines():
            match = HEADER.match(line)
            if match:
                headers.append(match)
        unlabeled = [m for m in headers if not m.group("label")]
        if len(unlabeled) > 1 or (unlabeled and len(headers) > 1):
            raise SystemExit(f"{path}: with several deployctl-test-env lines, each needs a label")
        for match in headers:
            env = {}
            for word in shlex.split(match.group("env")):
                key, sep, value = word.partition("=")
                if not sep or not key:
                    raise SystemExit(f"{path}: '{word}' in a deployctl-test-env line is not KEY=VALUE")
                env[key] = value
            label = match.group("label")
            cases.append(Case(f"{module}:{label}" if label else module, module, path, env))
    return cases


# Modules every case needs that do not depend on settings: imported once, before the cases fork.
PRELOAD = ["django.core.checks", "django.core.cache", "django.core.cache.backends.filebased", "django.db.models",
           "django.db.backends.sqlite3.base", "django.template.backends.django", "django.core.management",
           "django.middleware.security", "django.middleware.csrf", "django.middleware.clickjacking", "django.urls"]


def django_in_child(case: Case, root: Path, result_file: Path) -> None:
    """In a forked child: run Django's checks for one case and write {"django", "messages"} or {"error"}."""
    import contextlib
    import io
    import traceback

    signal.alarm(TIMEOUT_SECONDS)
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            os.chdir(root)
            os.environ.clear()
            os.environ.update({"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "DJANGO_SETTINGS_MODULE": case.module,
                               **case.env})
            sys.path.insert(0, str(root))
            import django
            from django.core import checks

            django.setup()
            # What `manage.py check --deploy` shows: run_checks() keeps the messages SILENCED_SYSTEM_CHECKS lists.
            found = [m for m in checks.run_checks(include_deployment_checks=True) if not m.is_silenced()]
        report = {"django": django.get_version(), "messages": sorted({(m.id, m.msg) for m in found if m.id})}
    except BaseException:  # noqa: B902 - everything the settings raise is the case's failure, reported as such
        report = {"error": f"Django failed on {case.module}:\n{output.getvalue()}{traceback.format_exc()}"}
    result_file.write_text(json.dumps(report), encoding="utf-8")


def run_django_cases(cases: list[Case], root: Path, workers: int, scratch: Path) -> list[dict]:
    """Django's report for every case: one forked child per case (Django can be set up once per process),
    at most `workers` at a time, from a parent that has already imported what does not depend on settings."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    gc.freeze()  # keeps the children's garbage collector off the inherited pages (fewer copy-on-write faults)
    reports: list[dict] = [{} for _ in cases]
    running: dict[int, int] = {}  # pid -> case index
    queue = list(range(len(cases)))
    while queue or running:
        while queue and len(running) < workers:
            index = queue.pop(0)
            pid = os.fork()
            if pid == 0:
                try:
                    django_in_child(cases[index], root, scratch / f"{index}.json")
                finally:
                    os._exit(0)
            running[pid] = index
        pid, status = os.wait()
        index = running.pop(pid)
        result_file = scratch / f"{index}.json"
        if result_file.exists():
            reports[index] = json.loads(result_file.read_text(encoding="utf-8"))
        else:
            reports[index] = {"error": f"the Django child for {cases[index].name} died (wait status {status})"}
    return reports


def run_deployctl(case: Case, root: Path, binary: str) -> dict[str, list[str]]:
    command = [binary, "check", str(root), "--settings", case.module, "--format", "json", "--select", "DJ"]
    for key, value in case.env.items():
        command += ["--env", f"{key}={value}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    if result.returncode not in (0, 1):
        raise RuntimeError(f"deployctl failed (exit {result.returncode}): {shlex.join(command)}\n"
                           f"{result.stderr.strip()}")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"deployctl printed no JSON ({error}): {shlex.join(command)}\n{result.stdout[:2000]}")
    found: dict[str, list[str]] = {}
    for finding in report["findings"]:
        if finding.get("django_check"):
            where = f"{finding['file']}:{finding['line']}:{finding['column']}"
            found.setdefault(finding["django_check"], []).append(f"{finding['rule']} {where} {finding['message']}")
    return found


def run_deployctl_case(case: Case, root: Path, binary: str) -> dict[str, list[str]] | str:
    try:
        return run_deployctl(case, root, binary)
    except (RuntimeError, subprocess.TimeoutExpired, KeyError, TypeError) as error:
        return str(error)


def env_text(case: Case) -> str:
    return " ".join(f"{k}={shlex.quote(v)}" for k, v in case.env.items()) or "(empty environment)"


def compare(outcomes: list[Outcome], complete: bool) -> list[str]:
    """Every failure, as readable paragraphs; empty when the test passes. `complete`: every case ran, so the
    table of expected differences and the coverage of the checks can be judged too."""
    failures: list[str] = []
    used: set[tuple[str, str]] = set()
    fired_by_both: set[str] = set()
    fired_by_deployctl: set[str] = set()
    for outcome in outcomes:
        case = outcome.case
        if outcome.error:
            failures.append(f"{case.name} [{env_text(case)}]: {outcome.error}")
            continue
        django_ids = set(outcome.django) & IMPLEMENTED
        ours = set(outcome.deployctl)
        fired_by_both |= django_ids & ours
        fired_by_deployctl |= ours
        lines = []
        for check_id in sorted(ours - IMPLEMENTED):
            lines.append(f"  deployctl reports {check_id}, which IMPLEMENTED does not list: add it there")
        for check_id, direction in ([(i, DJANGO_ONLY) for i in sorted(django_ids - ours)] +
                                    [(i, DEPLOYCTL_ONLY) for i in sorted((ours & IMPLEMENTED) - django_ids)]):
            expected = EXPECTED_DIFFERENCES.get((case.name, check_id))
            if expected and expected[0] == direction:
                used.add((case.name, check_id))
                continue
            detail = (outcome.django[check_id] if direction == DJANGO_ONLY
                      else "\n      ".join(outcome.deployctl[check_id]))
            lines.append(f"  {check_id}: {direction}\n      {detail}")
        if lines:
            failures.append(f"{case.name} ({case.path.name}) [{env_text(case)}]\n"
                            f"  Django:    {', '.join(sorted(django_ids)) or '-'}\n"
                            f"  deployctl: {', '.join(sorted(ours)) or '-'}\n" + "\n".join(lines))
    names = {outcome.case.name for outcome in outcomes}
    for key, (direction, reason) in sorted(EXPECTED_DIFFERENCES.items()):
        if key[0] in names and key not in used:
            failures.append(f"expected difference no longer happens: {key[0]} {key[1]} ({direction}: {reason}); "
                            "remove it from EXPECTED_DIFFERENCES")
        elif key[0] not in names and complete:
            failures.append(f"EXPECTED_DIFFERENCES names a case that does not exist: {key[0]}")
    if complete:
        for check_id in sorted(IMPLEMENTED):
            covered = fired_by_deployctl if check_id in NEWER_THAN_ORACLE else fired_by_both
            if check_id not in covered:
                failures.append(f"no case makes {check_id} fire on both sides: add a fixture for it")
    return failures


def main() -> int:
    if os.path.realpath(sys.executable) != os.path.realpath(DJANGO_PYTHON):
        os.execv(DJANGO_PYTHON, [DJANGO_PYTHON, *sys.argv])  # Django lives in Debian's interpreter only
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deployctl", help="the built deployctl binary")
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--case", action="append", default=[], help="run only these cases (repeatable)")
    parser.add_argument("--oracle-only", action="store_true", help="print what Django reports, compare nothing")
    args = parser.parse_args()
    if not args.deployctl and not args.oracle_only:
        parser.error("--deployctl is required (or --oracle-only)")

    started = time.monotonic()
    root = args.fixtures.resolve()
    cases = discover_cases(root)
    if args.case:
        unknown = set(args.case) - {case.name for case in cases}
        if unknown:
            parser.error(f"no such case: {', '.join(sorted(unknown))}")
        cases = [case for case in cases if case.name in args.case]

    workers = max(2, os.cpu_count() or 2)
    outcomes = [Outcome(case) for case in cases]
    if not args.oracle_only:
        # deployctl first, from threads: forking the Django children later happens with no other thread running.
        binary = str(Path(args.deployctl).resolve())
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            for outcome, found in zip(outcomes, pool.map(lambda c: run_deployctl_case(c, root, binary), cases)):
                if isinstance(found, str):
                    outcome.error = found
                else:
                    outcome.deployctl = found
    with tempfile.TemporaryDirectory(prefix="deployctl-differential-") as scratch:
        for outcome, report in zip(outcomes, run_django_cases(cases, root, workers, Path(scratch))):
            if "error" in report:
                outcome.error = (outcome.error + "\n" if outcome.error else "") + report["error"]
            else:
                outcome.django = {check_id: message for check_id, message in report["messages"]}
                outcome.django_version = report["django"]

    if args.oracle_only:
        for outcome in outcomes:
            ids = ", ".join(sorted(set(outcome.django) & IMPLEMENTED)) or "-"
            print(f"{outcome.case.name:40} {outcome.error or ids}")
        return 0

    failures = compare(outcomes, complete=not args.case)
    version = next((o.django_version for o in outcomes if o.django_version), "?")
    elapsed = time.monotonic() - started
    if failures:
        print(f"django_differential: {len(failures)} problem(s) over {len(cases)} cases "
              f"(Django {version}, {elapsed:.1f}s):\n", file=sys.stderr)
        print("\n\n".join(failures), file=sys.stderr)
        return 1
    print(f"django_differential: {len(cases)} cases agree with Django {version} "
          f"({len(EXPECTED_DIFFERENCES)} listed differences, {elapsed:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
