# The measuring half of bench/serve_floods.sh: starts the server, floods it, samples the worker's RSS every 10 ms
# and times normal requests made during the flood; then a 1 GiB upload to a view that answers after 1 KB, counting
# what the client could send before the answer and what the worker wrote to disk. Prints markdown.
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

READY = re.compile(rb"listening on http://127\.0\.0\.1:(\d+)")
LINE = b"X-Filler: " + b"f" * 7990 + b"\r\n"


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def normal_request(port):
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        answer = sock.recv(100)
    return time.monotonic() - started, answer.startswith(b"HTTP/1.1 200")


def start(binary, app, apps, spill_dir):
    """The server with one worker; returns (process, port, worker pid), or None when it did not start."""
    log = tempfile.TemporaryFile()
    env = dict(os.environ, TMPDIR=spill_dir)
    server = subprocess.Popen([binary, "serve", app, "--chdir", apps, "--bind", "127.0.0.1:0", "--workers", "1"],
                              stdout=log, stderr=log, env=env, start_new_session=True)
    for _ in range(300):
        log.seek(0)
        match = READY.search(log.read())
        if match:
            port = int(match.group(1))
            return server, port, int(open(f"/proc/{server.pid}/task/{server.pid}/children").read().split()[0])
        time.sleep(0.05)
    os.killpg(server.pid, signal.SIGKILL)
    return None


def disk_writes(pid):
    with open(f"/proc/{pid}/io") as f:
        return int(next(line for line in f if line.startswith("write_bytes:")).split()[1])


def upload(binary, apps, spill_dir):
    """1 GiB declared, sent until the answer is readable. Returns (MiB sent, status line, bytes written to disk,
    files left in the spill directory), or None when the server did not start."""
    started = start(binary, "first_kb:application", apps, spill_dir)
    if started is None:
        return None
    server, port, worker = started
    try:
        written_before = disk_writes(worker)
        sent = 0
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1073741824\r\n\r\n")
            block = b"u" * 65536
            while sent < 1 << 30:
                readable, writable, _ = select.select([sock], [sock], [], 10)
                if readable or not writable:
                    break
                try:
                    sent += sock.send(block)
                except OSError:
                    break
            answer = sock.recv(200).split(b"\r\n")[0].decode("latin-1")
        return sent / 2**20, answer, disk_writes(worker) - written_before, os.listdir(spill_dir)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main(binary, connections, head_kb):
    apps = os.path.join(os.path.dirname(os.path.abspath(__file__)), "serve_apps")
    spill_dir = tempfile.mkdtemp(prefix="deployctl-bench-spill-")
    started = start(binary, "hello:application", apps, spill_dir)
    if started is None:
        print("bench: the server did not start", file=sys.stderr)
        return 2
    server, port, worker = started
    try:
        normal_request(port)
        before = rss(worker)
        peak = [before]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], rss(worker))
                time.sleep(0.01)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        head = b"GET / HTTP/1.1\r\nHost: a\r\n" + LINE * (head_kb * 1000 // len(LINE))
        socks, latencies, failed = [], [], 0
        for index in range(connections):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            socks.append(sock)
            try:
                sock.sendall(head)
            except OSError:
                pass  # refused (431) while sending: what the budget does
            if index % 50 == 49:
                took, ok = normal_request(port)
                latencies.append(took)
                failed += not ok
        stop.set()
        sampler.join()
        for sock in socks:
            sock.close()
        growth = (peak[0] - before) / 2**20
        slowest = max(latencies)
        print("| flood | worker RSS before | peak growth (target <= 64 MiB) | normal requests "
              "| slowest (target < 1 s) |")
        print("|---|---:|---:|---:|---:|")
        print(f"| {connections} x {head_kb} KB unfinished heads | {before / 2**20:.1f} MiB | {growth:.1f} MiB | "
              f"{len(latencies)} ({failed} failed) | {slowest * 1000:.0f} ms |")
        flood_met = growth <= 64 and slowest < 1 and failed == 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    uploaded = upload(binary, apps, spill_dir)
    if uploaded is None:
        print("bench: the server did not start", file=sys.stderr)
        return 2
    sent_mib, answer, written, left = uploaded
    print()
    print("| upload | sent before the answer (target: a few MB) | answer | written to disk | left in $TMPDIR |")
    print("|---|---:|---|---:|---:|")
    print(f"| 1 GiB to a view answering after 1 KB | {sent_mib:.1f} MiB | {answer} | {written} bytes | {len(left)} |")
    upload_met = sent_mib <= 16 and answer.startswith("HTTP/1.1 200") and written == 0 and not left
    if not left:
        os.rmdir(spill_dir)
    return 0 if flood_met and upload_met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
