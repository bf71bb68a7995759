#!/usr/bin/python3
# Bad input to `deployctl render` gets a clear message and exit 2 with no file written: an unknown target (with
# did-you-mean), an unwritable --out, a syntax error in an override template (file:line), a missing value, an
# unknown --set key, WebSocket settings that contradict the app server. Also: --check/--diff report drift with
# exit 1, --eject writes the built-in template.
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from render_common import FIXTURE_CONFIG, MYSITE, render  # noqa: E402


def expect_failure(binary, args, needle, tmp):
    result = common.run(binary, ["render", *args])
    common.expect(result.code == 2, f"expected exit 2 for {args}", result)
    common.expect(needle in result.err, f"expected {needle!r} in the error", result)
    common.expect(result.err.startswith("deployctl: error: "), "not the one error format", result)
    return result


def files_under(path):
    return [os.path.join(d, f) for d, _, names in os.walk(path) for f in names]


def main(binary):
    with tempfile.TemporaryDirectory(prefix="deployctl-render-bad-") as tmp:
        out = os.path.join(tmp, "out")
        expect_failure(binary, ["ngnix", MYSITE, "--config", FIXTURE_CONFIG], "Did you mean 'nginx'?", tmp)

        # Without [deploy] domains, ALLOWED_HOSTS (from the environment) is not guessed.
        empty_config = os.path.join(tmp, "deployctl.toml")
        with open(empty_config, "w", encoding="utf-8") as f:
            f.write("[deploy]\n")
        result = expect_failure(binary, ["nginx", MYSITE, "--config", empty_config, "--out", out],
                                "missing required value 'domains'", tmp)
        common.expect("DJANGO_ALLOWED_HOSTS" in result.err and "--set deploy.domains=" in result.err,
                      "the message does not say where the value comes from and where to set it", result)
        common.expect(not os.path.exists(out), "a file was written despite the error")

        # A typo in a key, in the file or in --set.
        with open(empty_config, "w", encoding="utf-8") as f:
            f.write("[deploy]\ndomain = ['x.example.com']\n")
        result = expect_failure(binary, ["nginx", MYSITE, "--config", empty_config], "deployctl.toml:2:1", tmp)
        common.expect("Did you mean 'domains'?" in result.err, "no did-you-mean for the key", result)
        expect_failure(binary, ["nginx", MYSITE, "--config", FIXTURE_CONFIG, "--set", "deploy.tsl=none"],
                       "Did you mean 'tls'?", tmp)

        # WebSocket settings that contradict the app server: refused, naming what to change.
        expect_failure(binary, ["nginx", MYSITE, "--config", FIXTURE_CONFIG, "--set", "deploy.server=gunicorn",
                                "--set", "deploy.websocket-paths=/ws/"], "which has no WebSockets", tmp)
        expect_failure(binary, ["nginx", MYSITE, "--config", FIXTURE_CONFIG, "--set",
                                "deploy.websocket-paths=/ws/"], 'set interface = "asgi"', tmp)
        expect_failure(binary, ["systemd", MYSITE, "--config", FIXTURE_CONFIG, "--set", "deploy.server=uvicorn",
                                "--set", "deploy.interface=wsgi"], "which serves ASGI apps only", tmp)
        expect_failure(binary, ["nginx", MYSITE, "--config", FIXTURE_CONFIG, "--set", "deploy.server=uvicorn",
                                "--set", "deploy.websocket-paths=ws"], "'ws' is not a URL prefix", tmp)

        # A syntax error in an override template names its file and line.
        templates = os.path.join(tmp, "templates")
        os.makedirs(templates)
        with open(os.path.join(templates, "env.mustache"), "w", encoding="utf-8") as f:
            f.write("{{header}}\n# fine\n{{#variables}}\n{{name}}=\n")
        expect_failure(binary, ["env", MYSITE, "--config", FIXTURE_CONFIG, "--templates", templates, "--out", out],
                       os.path.join(templates, "env.mustache") + ":3: template syntax error", tmp)
        common.expect(not files_under(out), "a file was written despite the template error")

        # An unwritable --out.
        blocker = os.path.join(tmp, "file")
        with open(blocker, "w", encoding="utf-8") as f:
            f.write("not a directory\n")
        expect_failure(binary, ["env", MYSITE, "--config", FIXTURE_CONFIG, "--out", os.path.join(blocker, "sub")],
                       "cannot write to --out", tmp)

        # Drift: --check exits 1 after a hand edit, --diff shows it; a fresh render makes both 0.
        render(binary, ["env", "nginx"], out)
        result = common.run(binary, ["render", "env", "nginx", MYSITE, "--config", FIXTURE_CONFIG, "--out", out,
                                     "--check"])
        common.expect(result.code == 0, "--check right after rendering", result)
        site = os.path.join(out, "nginx", "mysite.conf")
        with open(site, "a", encoding="utf-8") as f:
            f.write("# hand edit\n")
        result = common.run(binary, ["render", "nginx", MYSITE, "--config", FIXTURE_CONFIG, "--out", out, "--check"])
        common.expect(result.code == 1 and "mysite.conf" in result.err, "--check misses the drift", result)
        result = common.run(binary, ["render", "nginx", MYSITE, "--config", FIXTURE_CONFIG, "--out", out, "--diff"])
        common.expect(result.code == 1 and "-# hand edit" in result.out, "--diff misses the drift", result)
        common.expect(os.stat(os.path.join(out, "env", "mysite.env")).st_mode & 0o777 == 0o600, "env is not 0600")

        # --eject writes the built-in templates as a starting point; an edited override is then used.
        ejected = os.path.join(tmp, "ejected")
        result = common.run(binary, ["render", "logrotate", MYSITE, "--config", FIXTURE_CONFIG, "--templates",
                                     ejected, "--eject"])
        common.expect(result.code == 0 and os.path.exists(os.path.join(ejected, "logrotate.mustache")),
                      "--eject wrote no template", result)
        with open(os.path.join(ejected, "logrotate.mustache"), "a", encoding="utf-8") as f:
            f.write("# local addition\n")
        result = common.run(binary, ["render", "logrotate", MYSITE, "--config", FIXTURE_CONFIG, "--templates",
                                     ejected])
        common.expect(result.code == 0 and "# local addition" in result.out, "the override is not used", result)

        result = common.run(binary, ["render", "--list"])
        common.expect(result.code == 0 and result.out.splitlines()[0].startswith("nginx"), "--list", result)
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1])
