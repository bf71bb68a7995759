#!/usr/bin/python3
# Every rendered config passes its own tool: nginx -t for each nginx variant (TLS letsencrypt/custom/none and
# the bootstrap site, unix/TCP/multi-host upstream, with and without media, WebSocket upgrades on every path or
# on named ones), systemd-analyze verify and security (exposure <= 2.0) for the app server, backup, celery and
# uvicorn units, gunicorn --check-config, logrotate -d, bash -n, and the CI pipelines parsed as YAML.
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from render_common import MYSITE, nginx_wrapper, render, run_tool  # noqa: E402

def make_certificate(tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    code, output = run_tool(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                             "/CN=mysite.example.com", "-keyout", key, "-out", cert])
    if code != 0:
        common.fail("openssl could not make a certificate:\n" + output)
    dhparam = os.path.join(tmp, "ffdhe2048.pem")
    code, output = run_tool(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
                             "-out", dhparam])
    if code != 0:
        common.fail("openssl could not write ffdhe2048:\n" + output)
    return cert, key, dhparam


def nginx_test(site, tmp, label):
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(nginx_wrapper(tmp, site))
    code, output = run_tool(["nginx", "-t", "-p", tmp, "-e", os.path.join(tmp, "error.log"), "-c", conf])
    if code != 0 or "test is successful" not in output:
        with open(site, encoding="utf-8") as f:
            common.fail(f"nginx -t rejects the {label} variant:\n{output}\n--- {site}\n{f.read()}")


def check_nginx(binary, tmp):
    cert, key, dhparam = make_certificate(tmp)
    logs = os.path.join(tmp, "logs")
    os.makedirs(logs)
    base = [f"deploy.log-dir={logs}", f"deploy.acme-root={tmp}/acme", f"deploy.certificate={cert}",
            f"deploy.certificate-key={key}"]
    variants = {
        "letsencrypt-unix-media": [],
        "letsencrypt-dhparam-one-domain": [f"deploy.dhparam={dhparam}", "deploy.domains=mysite.example.com"],
        "custom-tcp-no-media": ["deploy.tls=custom", "deploy.bind=127.0.0.1:8000",
                                "deploy.media-url=https://cdn.example.com/media/"],
        "none-multi-host": ["deploy.tls=none", "deploy.upstream-hosts=10.0.0.2:8000,10.0.0.3:8000"],
        "none-high-port-ipv4": ["deploy.tls=none", "deploy.http-port=8080", "deploy.ipv6=false",
                                "deploy.listen-address=127.0.0.1"],
        "none-uvicorn-websockets": ["deploy.tls=none", "deploy.server=uvicorn"],
        "letsencrypt-asgi-websocket-paths": ["deploy.interface=asgi", "deploy.websocket-paths=/ws/,/live/"],
    }
    for label, sets in variants.items():
        out = os.path.join(tmp, label)
        render(binary, ["nginx"], out, base + sets)
        nginx_test(os.path.join(out, "nginx", "mysite.conf"), tmp, label)
        bootstrap = os.path.join(out, "nginx", "mysite-bootstrap.conf")
        if label.startswith("letsencrypt"):
            common.expect(os.path.exists(bootstrap), f"{label}: no bootstrap site rendered")
            nginx_test(bootstrap, tmp, label + " bootstrap")
        else:
            common.expect(not os.path.exists(bootstrap), f"{label}: a bootstrap site without Let's Encrypt")
    # The variants differ where they should.
    with open(os.path.join(tmp, "custom-tcp-no-media", "nginx", "mysite.conf"), encoding="utf-8") as f:
        custom = f.read()
    common.expect("server 127.0.0.1:8000" in custom and "location /media/" not in custom,
                  "the custom/TCP variant lacks its upstream or still has media")
    with open(os.path.join(tmp, "none-multi-host", "nginx", "mysite.conf"), encoding="utf-8") as f:
        plain = f.read()
    common.expect("server 10.0.0.2:8000" in plain and "server 10.0.0.3:8000" in plain and "ssl" not in plain,
                  "the multi-host variant lacks a host or has TLS")


def exposure(output):
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", output)
    return float(match.group(1)) if match else None


def check_units(binary, tmp):
    deployctl = os.path.abspath(binary)
    for server in ("serve", "gunicorn", "daphne"):
        out = os.path.join(tmp, "units-" + server)
        render(binary, ["systemd", "backup"], out,
               [f"deploy.server={server}", f"deploy.deployctl={deployctl}", "deploy.venv=/usr"])
        units = os.path.join(out, "systemd")
        shutil.copy(os.path.join(out, "backup", "mysite-backup"), os.path.join(tmp, "mysite-backup"))
        files = sorted(os.path.join(units, name) for name in os.listdir(units))
        # The backup unit runs /usr/local/bin/mysite-backup: point it at the rendered script for verify.
        backup_service = os.path.join(units, "mysite-backup.service")
        with open(backup_service, encoding="utf-8") as f:
            text = f.read().replace("/usr/local/bin/mysite-backup", os.path.join(tmp, "mysite-backup"))
        with open(backup_service, "w", encoding="utf-8") as f:
            f.write(text)
        code, output = run_tool(["systemd-analyze", "verify", "--man=no", *files])
        common.expect(code == 0 and not output.strip(), f"systemd-analyze verify ({server}):\n{output}")
        for service in ("mysite.service", "mysite-backup.service"):
            code, output = run_tool(["systemd-analyze", "security", "--offline=yes", os.path.join(units, service)])
            level = exposure(output)
            common.expect(level is not None and level <= 2.0,
                          f"{service} ({server}): exposure {level}, expected <= 2.0\n{output}")
        code, output = run_tool(["bash", "-n", os.path.join(out, "backup", "mysite-backup")])
        common.expect(code == 0, f"bash -n rejects the backup script:\n{output}")
        common.expect(os.stat(os.path.join(out, "backup", "mysite-backup")).st_mode & 0o777 == 0o755,
                      "the backup script is not 0755")
    # deployctl serve told the app is ASGI runs the project's asgi.py as ASGI.
    out = os.path.join(tmp, "units-serve-asgi")
    render(binary, ["systemd"], out, ["deploy.interface=asgi", f"deploy.deployctl={deployctl}"])
    with open(os.path.join(out, "systemd", "mysite.service"), encoding="utf-8") as f:
        service = f.read()
    common.expect(" --interface asgi " in service and service.rstrip().count("mysite.asgi:application") == 1,
                  f"the ASGI serve unit does not run mysite.asgi as ASGI:\n{service}")
    check_venv_units(binary, tmp)


def check_venv_units(binary, tmp):
    # The celery units and the uvicorn service run programs from the project's virtualenv, which Debian does
    # not install system-wide (no /usr/bin/celery or /usr/bin/uvicorn). systemd-analyze verify only needs the
    # ExecStart program to exist and be executable, so a stand-in virtualenv with stub programs is enough here.
    venv = os.path.join(tmp, "venv")
    os.makedirs(os.path.join(venv, "bin"), exist_ok=True)
    for program in ("celery", "uvicorn"):
        stub = os.path.join(venv, "bin", program)
        with open(stub, "w", encoding="utf-8") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(stub, 0o755)
    out = os.path.join(tmp, "units-venv")
    render(binary, ["celery"], out, [f"deploy.venv={venv}"])
    render(binary, ["systemd"], os.path.join(out, "uvicorn"), [f"deploy.venv={venv}", "deploy.server=uvicorn"])
    units = [os.path.join(out, "systemd", name) for name in sorted(os.listdir(os.path.join(out, "systemd")))]
    units += [os.path.join(out, "uvicorn", "systemd", name)
              for name in sorted(os.listdir(os.path.join(out, "uvicorn", "systemd")))]
    common.expect(any(name.endswith("-celery-worker.service") for name in units) and
                  any(name.endswith("-celery-beat.service") for name in units), f"celery units missing: {units}")
    code, output = run_tool(["systemd-analyze", "verify", "--man=no", *units])
    common.expect(code == 0 and not output.strip(), f"systemd-analyze verify (celery, uvicorn):\n{output}")
    for unit in units:
        if not unit.endswith(".service"):
            continue
        code, output = run_tool(["systemd-analyze", "security", "--offline=yes", unit])
        level = exposure(output)
        common.expect(level is not None and level <= 2.0, f"{unit}: exposure {level}, expected <= 2.0\n{output}")


def check_gunicorn(binary, tmp):
    out = os.path.join(tmp, "gunicorn")
    render(binary, ["gunicorn"], out, [f"deploy.app-dir={MYSITE}", "deploy.bind=127.0.0.1:0"])
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "mysite.settings.development"}
    code, output = run_tool(["/usr/bin/gunicorn", "--check-config", "-c", os.path.join(out, "gunicorn",
                                                                                      "gunicorn.conf.py")],
                            cwd=MYSITE, env=env)
    common.expect(code == 0, f"gunicorn --check-config fails:\n{output}")


def check_logrotate(binary, tmp):
    out = os.path.join(tmp, "logrotate")
    render(binary, ["logrotate"], out, ["deploy.user=nobody", "deploy.group=nogroup"])
    config = os.path.join(out, "logrotate", "mysite")
    with open(config, encoding="utf-8") as f:
        text = f.read()
    common.expect("/srv/mysite/logs/django.log" in text, "LOGGING's file handler is not rotated:\n" + text)
    code, output = run_tool(["logrotate", "-d", "-s", os.path.join(tmp, "logrotate.state"), config])
    common.expect(code == 0 and not re.search(r"^error:", output, re.M), f"logrotate -d fails:\n{output}")


def check_env(binary, tmp):
    out = os.path.join(tmp, "env")
    render(binary, ["env"], out)
    path = os.path.join(out, "env", "mysite.env")
    common.expect(os.stat(path).st_mode & 0o777 == 0o600, "the env file is not 0600")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for variable in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_DEBUG"):
        common.expect(variable in text, f"{variable} is missing from the env skeleton:\n{text}")
    common.expect("default_secret_key" not in text, "the env skeleton leaks the settings' default secret")
    common.expect(re.search(r"^DJANGO_SECRET_KEY=$", text, re.M), "DJANGO_SECRET_KEY is not marked to be set")


def check_ci(binary, tmp):
    # The pipelines must parse as YAML and run `deployctl check`; GitHub's and GitLab's own validators need
    # their services, so the structure they require is asserted here.
    import yaml
    out = os.path.join(tmp, "ci")
    render(binary, ["ci-github", "ci-gitlab"], out)
    with open(os.path.join(out, "ci", "github", "deployctl.yml"), encoding="utf-8") as f:
        github = yaml.safe_load(f)
    triggers = github.get("on", github.get(True))  # YAML 1.1 reads the key `on` as true
    common.expect(isinstance(triggers, dict) and "pull_request" in triggers, f"GitHub triggers: {triggers}")
    runs = [step.get("run", "") for job in github["jobs"].values() for step in job.get("steps", [])]
    common.expect(any("deployctl check" in run for run in runs), f"no GitHub step runs deployctl check: {runs}")
    with open(os.path.join(out, "ci", "gitlab", ".gitlab-ci.yml"), encoding="utf-8") as f:
        gitlab = yaml.safe_load(f)
    scripts = [line for job in gitlab.values() if isinstance(job, dict) for line in job.get("script", [])]
    common.expect(any("deployctl check" in line for line in scripts), f"no GitLab job runs deployctl check: {scripts}")


def main(binary):
    for tool in ("nginx", "systemd-analyze", "gunicorn", "logrotate", "openssl"):
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            print(f"skip: {tool} is not installed")
            sys.exit(common.SKIP)
    with tempfile.TemporaryDirectory(prefix="deployctl-render-") as tmp:
        check_nginx(binary, tmp)
        check_units(binary, tmp)
        check_gunicorn(binary, tmp)
        check_logrotate(binary, tmp)
        check_env(binary, tmp)
        check_ci(binary, tmp)
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1])
