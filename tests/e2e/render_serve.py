#!/usr/bin/python3
# The rendered nginx site works in front of the app server: real nginx, unprivileged on a free high port with
# its own prefix in a temp dir, in front of `deployctl serve` (the default server of the rendered units)
# serving a copy of the example project (development settings, Debian's Django); a page and a collected
# static file are fetched through nginx. gunicorn.conf.py is validated by render_validate.py.
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from render_common import MYSITE, free_port, nginx_wrapper, render, run_tool, stop  # noqa: E402


def fetch(port, path, deadline):
    last = None
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            body = response.read()
            if response.status != 502:
                return response.status, dict(response.getheaders()), body
            last = f"502 from nginx: {body[:200]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    common.fail(f"no answer from nginx for {path}: {last}")


def main(binary):
    if shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"):
        sys.exit(common.SKIP)
    with tempfile.TemporaryDirectory(prefix="deployctl-render-serve-") as tmp:
        os.chmod(tmp, 0o755)  # nginx's workers drop to another user when the test runs as root
        project = os.path.join(tmp, "mysite")
        shutil.copytree(MYSITE, project)
        env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "mysite.settings.development", "LANG": "C.UTF-8"}
        code, output = run_tool(["/usr/bin/python3", "manage.py", "collectstatic", "--noinput"], cwd=project, env=env)
        common.expect(code == 0, "collectstatic failed:\n" + output)
        nginx_port, app_port = free_port(), free_port()
        out = os.path.join(tmp, "out")
        render(binary, ["nginx"], out,
               ["deploy.tls=none", "deploy.domains=127.0.0.1", f"deploy.http-port={nginx_port}", "deploy.ipv6=false",
                "deploy.listen-address=127.0.0.1", f"deploy.bind=127.0.0.1:{app_port}", f"deploy.app-dir={project}",
                f"deploy.log-dir={tmp}"], project=project)
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(nginx_wrapper(tmp, os.path.join(out, "nginx", "mysite.conf"), foreground=True))
        app = subprocess.Popen([os.path.abspath(binary), "serve", "--chdir", project, "--bind",
                                f"127.0.0.1:{app_port}", "--workers", "1", "--graceful-timeout", "5"],
                               cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
        nginx = subprocess.Popen(["nginx", "-p", tmp, "-e", os.path.join(tmp, "error.log"), "-c", conf],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 20
            status, headers, body = fetch(nginx_port, "/api/health/", deadline)
            common.expect(status == 200, f"the page through nginx: {status} {body[:300]!r}")
            common.expect(headers.get("Server") == "nginx", f"server_tokens is not off: {headers.get('Server')}")
            status, headers, body = fetch(nginx_port, "/static/blog/css/site.css", deadline)
            with open(os.path.join(project, "blog", "static", "blog", "css", "site.css"), "rb") as f:
                common.expect(status == 200 and body == f.read(), f"the static file through nginx: {status}")
            common.expect("max-age" in headers.get("Cache-Control", ""), "static files carry no Cache-Control")
            status, _, _ = fetch(nginx_port, "/.env", deadline)
            common.expect(status == 403, f"a dot file is served: {status}")
        finally:
            stop(nginx)
            stop(app)
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1])
