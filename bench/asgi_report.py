# bench/asgi.sh's table and verdicts: from its samples (one line per round, server and workload) and the workers'
# memory, the medians per server and workload, the medians of per-round ratios to uvicorn (httptools+uvloop) and to
# the in-process limit, and issue 14's targets for deployctl. Exit 0 targets met or not judged, 1 one missed,
# 2 nothing measured.
#   asgi_report.py SAMPLES MEMORY SERVERS WORKLOADS
import statistics
import sys

REFERENCE = "uvicorn"
IN_PROCESS = "in-process"


def load_samples(path):
    """{(server, workload): {round: (requests/s, user µs/request, system µs/request, errors)}}"""
    samples = {}
    with open(path) as f:
        for line in f:
            round_, server, workload, rate, user, system, errors = line.split()
            samples.setdefault((server, workload), {})[int(round_)] = (float(rate), float(user), float(system), errors)
    return samples


def load_memory(path):
    """{(server, app): (RSS KiB, PSS KiB)}"""
    memory = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) == 4:
                memory[(fields[0], fields[1])] = (int(fields[2]), int(fields[3]))
    return memory


def median(values):
    values = [value for value in values if value > 0]
    return statistics.median(values) if values else None


def ratio(samples, a, b, field=0):
    """The median over rounds of a's figure divided by b's (field 0: requests/s, 1: user CPU per request)."""
    ours, theirs = samples.get(a, {}), samples.get(b, {})
    per_round = [ours[r][field] / theirs[r][field] for r in ours
                 if r in theirs and ours[r][field] > 0 and theirs[r][field] > 0]
    return statistics.median(per_round) if per_round else None


def cpu_ratio(samples, a, b):
    """The median over rounds of b's CPU per request (user + system) divided by a's: a's requests per CPU-second
    relative to b's, which a busy host's scheduler does not skew as it skews requests/s."""
    ours, theirs = samples.get(a, {}), samples.get(b, {})
    per_round = [(theirs[r][1] + theirs[r][2]) / (ours[r][1] + ours[r][2]) for r in ours
                 if r in theirs and ours[r][1] + ours[r][2] > 0 and theirs[r][1] + theirs[r][2] > 0]
    return statistics.median(per_round) if per_round else None


def fmt(value, digits=2, unit=""):
    return "" if value is None else f"{value:,.{digits}f}{unit}"


APP_OF = {"hello": "raw", "stream": "raw", "upload": "raw", "django": "django", "django-bare": "django-bare"}


def table(samples, memory, servers, workloads):
    print("| workload | server | requests/s | / uvicorn | / in-process | / in-process, per CPU-second | "
          "user CPU per request | system CPU per request | worker RSS | wrk errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for workload in workloads:
        django = workload.startswith("django")
        for server in servers:
            runs = samples.get((server, workload))
            if not runs:
                print(f"| {workload} | {server} | not measured | | | | | | | |")
                continue
            rss = memory.get((server, APP_OF[workload]), (None, None))[0]
            errors = ";".join(sorted({run[3] for run in runs.values()} - {"-"}))
            versus_limit = ratio(samples, (server, workload), (IN_PROCESS, workload)) if django else None
            versus_limit_cpu = cpu_ratio(samples, (server, workload), (IN_PROCESS, workload)) if django else None
            print(f"| {workload} | {server} | {fmt(median(r[0] for r in runs.values()), 0)} | "
                  f"{fmt(ratio(samples, (server, workload), (REFERENCE, workload)))} | {fmt(versus_limit)} | "
                  f"{fmt(versus_limit_cpu)} | "
                  f"{fmt(median(r[1] for r in runs.values()), 1, ' µs')} | "
                  f"{fmt(median(r[2] for r in runs.values()), 1, ' µs')} | "
                  f"{fmt(rss / 1024 if rss else None, 1, ' MiB')} | {errors} |")
        if django:
            runs = samples.get((IN_PROCESS, workload), {}).values()
            print(f"| {workload} | in-process limit, no server | {fmt(median(r[0] for r in runs), 0)} | | 1.00 | "
                  f"1.00 | {fmt(median(r[1] for r in runs), 1, ' µs')} | {fmt(median(r[2] for r in runs), 1, ' µs')} "
                  "| | |")


def verdicts(samples, memory, workloads):
    """Issue 14's targets for deployctl: (what, measured, needed, met) for each one that could be judged."""
    ours = lambda workload: ("deployctl", workload)  # noqa: E731
    reference = lambda workload: (REFERENCE, workload)  # noqa: E731
    limit = lambda workload: (IN_PROCESS, workload)  # noqa: E731
    wanted = {
        "hello": [("requests/s / uvicorn", ratio(samples, ours("hello"), reference("hello")), 2.0, True),
                  ("user CPU per request / uvicorn's", ratio(samples, ours("hello"), reference("hello"), field=1),
                   0.25, False)],
        "django": [("requests/s / in-process limit", ratio(samples, ours("django"), limit("django")), 0.90, True),
                   ("requests per CPU-second / in-process limit's", cpu_ratio(samples, ours("django"), limit("django")),
                    0.90, True)],
        "django-bare": [
            ("requests/s / in-process limit", ratio(samples, ours("django-bare"), limit("django-bare")), 0.85, True),
            ("requests per CPU-second / in-process limit's",
             cpu_ratio(samples, ours("django-bare"), limit("django-bare")), 0.85, True),
            ("requests/s / uvicorn", ratio(samples, ours("django-bare"), reference("django-bare")), 1.35, True)],
        "stream": [("requests/s / uvicorn", ratio(samples, ours("stream"), reference("stream")), 1.0, True)],
        "upload": [("requests/s / uvicorn", ratio(samples, ours("upload"), reference("upload")), 1.0, True)],
    }
    judged = []
    for workload in workloads:
        if ours(workload) not in samples:
            continue
        for what, value, needed, at_least in wanted[workload]:
            if value is not None:
                met = value >= needed if at_least else value <= needed
                judged.append((f"{workload}: {what}", value, f"{'at least' if at_least else 'at most'} {needed}", met))
    for app in sorted({APP_OF[workload] for workload in workloads}):
        mine, theirs = memory.get(("deployctl", app)), memory.get((REFERENCE, app))
        if mine and theirs and any(("deployctl", w) in samples for w in workloads if APP_OF[w] == app):
            judged.append((f"{app} app: worker RSS / uvicorn's", mine[0] / theirs[0], "at most 1.0",
                           mine[0] <= theirs[0]))
    return judged


def main(samples_path, memory_path, servers, workloads):
    samples = load_samples(samples_path)
    if not samples:
        print("bench: nothing was measured", file=sys.stderr)
        return 2
    servers, workloads = servers.split(","), workloads.split(",")
    table(samples, load_memory(memory_path), servers, workloads)
    print()
    judged = verdicts(samples, load_memory(memory_path), workloads)
    if not judged:
        print("Targets (issue 14): not judged, deployctl was not measured.")
        return 0
    print("Targets (issue 14), deployctl:")
    for what, value, needed, met in judged:
        print(f"- {what}: {value:.2f} ({needed}): {'met' if met else 'missed'}")
    return 0 if all(met for *_, met in judged) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
