# The measuring half of bench/serve_floods.sh: starts the server, floods it, samples the worker's RSS every 10 ms
# and times normal requests made during the flood. Prints markdown.
import os
import re
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


def main(binary, connections, head_kb):
    apps = os.path.join(os.path.dirname(os.path.abspath(__file__)), "serve_apps")
    log = tempfile.TemporaryFile()
    server = subprocess.Popen([binary, "serve", "hello:application", "--chdir", apps, "--bind", "127.0.0.1:0",
                               "--workers", "1"], stdout=log, stderr=log, start_new_session=True)
    try:
        port = None
        for _ in range(300):
            log.seek(0)
            match = READY.search(log.read())
            if match:
                port = int(match.group(1))
                break
            time.sleep(0.05)
        if port is None:
            print("bench: the server did not start", file=sys.stderr)
            return 2
        worker = int(open(f"/proc/{server.pid}/task/{server.pid}/children").read().split()[0])
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
        print(f"| flood | worker RSS before | peak growth (target <= 64 MiB) | normal requests | slowest (target < 1 s) |")
        print("|---|---:|---:|---:|---:|")
        print(f"| {connections} x {head_kb} KB unfinished heads | {before / 2**20:.1f} MiB | {growth:.1f} MiB | "
              f"{len(latencies)} ({failed} failed) | {slowest * 1000:.0f} ms |")
        return 0 if growth <= 64 and slowest < 1 and failed == 0 else 1
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
