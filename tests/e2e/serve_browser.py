#!/usr/bin/python3
# A real browser on `deployctl serve`: the example project's Django admin, its static files collected into
# STATIC_ROOT and served natively, opened in headless Chromium driven over the DevTools protocol: the login page,
# then a login through its form and the admin index. The admin stylesheets must have applied (computed styles),
# and screenshots are kept as artifacts. `--asgi` serves the project's ASGI app (mysite.asgi) instead of its WSGI
# app; the production settings do not serve /static/ from Django, so a styled page means deployctl's static
# handler answered.
import base64
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, SKIP, expect, expect_equal, get, mysite_copy, run_suite,  # noqa: E402
                          server_choice, start)
from serve_devtools import DevTools, page_websocket  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ADMIN = ("admin", "e2e-not-a-secret-Pa55word")
HEADER_BACKGROUND = "rgb(65, 118, 144)"  # --header-bg of Django 3.2's admin/css/base.css (light scheme)
PAGE_STATE = """JSON.stringify({
  title: document.title,
  header: getComputedStyle(document.querySelector('#header')).backgroundColor,
  container: getComputedStyle(document.querySelector('#container')).width,
  sheets: Array.from(document.styleSheets).map(s => [s.href, (() => { try { return s.cssRules.length } catch (e) { return -1 } })()]),
})"""
LOG_IN = f"""(() => {{
  document.querySelector('#id_username').value = {ADMIN[0]!r};
  document.querySelector('#id_password').value = {ADMIN[1]!r};
  document.querySelector('#login-form').submit();
  return true;
}})()"""


def main(argv):
    binary, against = server_choice(argv)
    asgi = "--asgi" in argv
    if asgi and against != "deployctl":
        sys.exit("serve_browser: --asgi runs against deployctl only")
    mode = "asgi" if asgi else "wsgi"
    if not os.access(CHROMIUM, os.X_OK):
        print(f"SKIP: {CHROMIUM} is not installed", file=sys.stderr)
        sys.exit(SKIP)
    artifacts = os.path.join(os.path.dirname(os.path.abspath(binary)), "test-artifacts", "serve_browser")
    servers = []

    def body(cases, workdir):
        project, env = mysite_copy(workdir, collectstatic=True, superuser=ADMIN)
        static_root = os.path.join(project, "staticfiles")
        expect(os.path.exists(os.path.join(static_root, "admin", "css", "base.css")), "collectstatic filled STATIC_ROOT")
        if against == "deployctl":
            server = start("deployctl", binary, f"mysite.{mode}:application", project,
                           ["--workers", "1", "--static", f"/static/={static_root}"], env, workdir)
        else:
            server = start("gunicorn", binary, "mysite_static:application", project,
                           ["--workers", "1", "--pythonpath", APPS_DIR], env, workdir)
        servers.append(server)
        url = f"http://127.0.0.1:{server.port}/admin/login/?next=/admin/"

        def stylesheet_served():
            response = get(server.port, "/static/admin/css/base.css")
            expect_equal(response.status, 200, "GET /static/admin/css/base.css")
            with open(os.path.join(static_root, "admin", "css", "base.css"), "rb") as f:
                expect(response.body == f.read(), "the stylesheet is the collected file")
            expect((response.header("Content-Type") or "").startswith("text/css"), f"text/css, not {response.header('Content-Type')}")
        cases.run("the admin stylesheet is served", stylesheet_served)

        def screenshot(devtools, name):
            shot = devtools.call("Page.captureScreenshot", format="png")
            os.makedirs(artifacts, exist_ok=True)
            path = os.path.join(artifacts, name)
            with open(path, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            print(f"screenshot: {path}")

        def admin_styled():
            profile = tempfile.mkdtemp(prefix="chromium-", dir=workdir)
            chromium = subprocess.Popen(
                [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", "--remote-debugging-port=0",
                 "--window-size=1024,768", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, "chromium.log"), "wb"),
                start_new_session=True)
            try:
                devtools = DevTools(page_websocket(profile, timeout=30))
                try:
                    devtools.call("Page.enable")
                    devtools.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "light"}])
                    devtools.call("Page.navigate", url=url)
                    devtools.wait_event("Page.loadEventFired", timeout=30)
                    state = __import__("json").loads(devtools.evaluate(PAGE_STATE))
                    screenshot(devtools, f"admin-login-{against}-{mode}.png")
                    devtools.evaluate(LOG_IN)
                    devtools.wait_event("Page.loadEventFired", timeout=30)
                    index = __import__("json").loads(devtools.evaluate(PAGE_STATE))
                    screenshot(devtools, f"admin-index-{against}-{mode}.png")
                finally:
                    devtools.close()
            finally:
                try:
                    os.killpg(chromium.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                chromium.wait(timeout=10)
                shutil.rmtree(profile, ignore_errors=True)
            expect("Log in" in state["title"], f"the admin login page loaded: title {state['title']!r}")
            sheets = {href.rsplit("/", 1)[-1]: rules for href, rules in state["sheets"] if href}
            for name in ("base.css", "login.css"):
                expect(sheets.get(name, 0) > 0, f"{name} loaded with rules: {state['sheets']}")
            expect_equal(state["header"], HEADER_BACKGROUND, "computed background of #header (admin/css/base.css)")
            expect_equal(state["container"], "392px", "computed width of .login #container (admin/css/login.css: 28em of 14px)")
            expect("Site administration" in index["title"], f"logged in, the admin index: title {index['title']!r}")
            sheets = {href.rsplit("/", 1)[-1]: rules for href, rules in index["sheets"] if href}
            for name in ("base.css", "dashboard.css"):
                expect(sheets.get(name, 0) > 0, f"the index's {name} loaded with rules: {index['sheets']}")
            expect_equal(index["header"], HEADER_BACKGROUND, "computed background of the index's #header")
        cases.run("the admin login page, and the index after logging in, are styled in Chromium", admin_styled)
        server.expect_alive()

    run_suite(f"serve_browser against {against} ({mode.upper()})", body, servers)


if __name__ == "__main__":
    main(sys.argv)
