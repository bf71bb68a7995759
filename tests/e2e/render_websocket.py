#!/usr/bin/python3
# WebSockets pass through the rendered nginx site to an ASGI app server: real nginx (unprivileged, its own prefix
# in a temp dir) in front of uvicorn (its wsproto implementation) serving a tiny echo app, and Debian's
# python3-websockets as the client: handshake 101 through nginx, a message echoed, a clean close (1000). The same
# client through the site rendered for a WSGI server, and on a path outside [deploy] websocket-paths, is refused:
# without the upgrade headers the request reaches the app as plain HTTP.
import asyncio
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from render_common import free_port, nginx_wrapper, render, stop  # noqa: E402

try:
    import websockets
    import wsproto  # noqa: F401 (uvicorn's --ws wsproto)
except ImportError:
    sys.exit(common.SKIP)  # python3-websockets and python3-wsproto come with scripts/install-deps test

# Echoes every WebSocket message; plain HTTP gets 404 on /ws/ (what a WebSocket refused by nginx meets) and 200
# elsewhere, which the test polls for readiness.
ECHO_APP = '''
async def app(scope, receive, send):
    if scope["type"] == "websocket":
        while True:
            event = await receive()
            if event["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
            elif event["type"] == "websocket.receive":
                await send({"type": "websocket.send", "text": event.get("text"), "bytes": event.get("bytes")})
            else:
                return
    elif scope["type"] == "http":
        status = 404 if scope["path"].startswith("/ws/") else 200
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"plain http"})
'''

# [deploy] values of each site, by label: (--set values, {path: whether a WebSocket must open there}).
SITES = {
    "uvicorn, every path": (["deploy.server=uvicorn"], {"/ws/echo": True, "/other/echo": True}),
    "serve as ASGI, websocket-paths": (["deploy.interface=asgi", "deploy.websocket-paths=/ws/"],
                                       {"/ws/echo": True, "/other/echo": False}),
    "WSGI (before WebSocket support)": (["deploy.server=gunicorn"], {"/ws/echo": False}),
}


def wait_ready(port, deadline):
    import http.client
    last = None
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/", headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            body = response.read()
            if response.status == 200:
                return
            last = f"{response.status} {body[:200]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.1)
    common.fail(f"no answer through nginx on port {port}: {last}")


async def echo(port, path):
    """The close code after a message echoed, or the reason the handshake failed."""
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}{path}", open_timeout=10, close_timeout=10) as ws:
            common.expect(ws.response_headers.get("Server") == "nginx", f"{path}: the 101 did not come through nginx")
            await ws.send("hello through nginx")
            reply = await asyncio.wait_for(ws.recv(), 10)
            common.expect(reply == "hello through nginx", f"{path}: echoed {reply!r}")
            await ws.send(b"\x00\x01binary")
            reply = await asyncio.wait_for(ws.recv(), 10)
            common.expect(reply == b"\x00\x01binary", f"{path}: echoed {reply!r}")
        return ws.close_code
    except websockets.exceptions.InvalidStatusCode as error:
        return f"refused with HTTP {error.status_code}"


def start_nginx(binary, site_dir, sets, app_port):
    os.makedirs(site_dir)
    os.chmod(site_dir, 0o755)
    port = free_port()
    out = os.path.join(site_dir, "out")
    render(binary, ["nginx"], out,
           ["deploy.tls=none", "deploy.domains=127.0.0.1", f"deploy.http-port={port}", "deploy.ipv6=false",
            "deploy.listen-address=127.0.0.1", f"deploy.bind=127.0.0.1:{app_port}", f"deploy.log-dir={site_dir}",
            *sets])
    conf = os.path.join(site_dir, "nginx.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(nginx_wrapper(site_dir, os.path.join(out, "nginx", "mysite.conf"), foreground=True))
    process = subprocess.Popen(["nginx", "-p", site_dir, "-e", os.path.join(site_dir, "error.log"), "-c", conf],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, port


def main(binary):
    if not os.path.exists("/usr/sbin/nginx"):
        sys.exit(common.SKIP)
    with tempfile.TemporaryDirectory(prefix="deployctl-render-websocket-") as tmp:
        os.chmod(tmp, 0o755)  # nginx's workers drop to another user when the test runs as root
        common.write_file(os.path.join(tmp, "echo_app.py"), ECHO_APP)
        app_port = free_port()
        app = subprocess.Popen(["/usr/bin/python3", "-m", "uvicorn", "--ws", "wsproto", "--host", "127.0.0.1",
                                "--port", str(app_port), "--app-dir", tmp, "--lifespan", "off", "echo_app:app"],
                               cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
        servers = []
        try:
            for index, (sets, _) in enumerate(SITES.values()):
                servers.append(start_nginx(binary, os.path.join(tmp, f"site{index}"), sets, app_port))
            deadline = time.time() + 30
            for (label, (_, paths)), (_, port) in zip(SITES.items(), servers):
                wait_ready(port, deadline)
                for path, opens in paths.items():
                    outcome = asyncio.run(echo(port, path))
                    if opens:
                        common.expect(outcome == 1000, f"{label}: a WebSocket on {path} did not echo and close "
                                                       f"cleanly through nginx: {outcome}")
                    else:
                        common.expect(isinstance(outcome, str),
                                      f"{label}: a WebSocket on {path} opened, but this site must not upgrade it")
        finally:
            for process, _ in servers:
                stop(process)
            stop(app)
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1])
