# Shared by the render e2e scripts: render a target of the example project into a temp dir with --set values.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MYSITE = os.path.join(SOURCE_ROOT, "share", "examples", "mysite")
FIXTURE_CONFIG = os.path.join(SOURCE_ROOT, "tests", "fixtures", "render", "deployctl.toml")


def render(binary, targets, out, sets=(), project=MYSITE, config=FIXTURE_CONFIG, extra=()):
    """Renders into `out`; fails the test when deployctl does not exit 0."""
    args = ["render", *targets, project, "--config", config, "--out", out, *extra]
    for item in sets:
        args += ["--set", item]
    result = common.run(binary, args)
    common.expect(result.code == 0, f"render {' '.join(targets)} failed", result)
    return result


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process):
    """TERM, then KILL if the process has not left within 10 s."""
    import signal
    import subprocess
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_tool(args, cwd=None, env=None, timeout=60):
    import subprocess
    completed = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return completed.returncode, completed.stdout + completed.stderr


# The nginx main config the tests wrap a rendered site in: everything nginx writes goes under `tmp`, so it runs
# unprivileged; `foreground` adds "daemon off;" for tests that start nginx rather than only test the config.
def nginx_wrapper(tmp, site, foreground=False):
    return ("daemon off;\n" if foreground else "") + f"""pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
"""
