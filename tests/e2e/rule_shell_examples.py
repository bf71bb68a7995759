# The rules whose examples are shell sessions (they see a repository or Django's own checks, so a settings module
# alone cannot show them: `deployctl rules` marks them example_language "sh"), each example run as documented in a
# fresh project whose manage.py names mysite.settings, with the built binary on PATH as `deployctl`. An example
# that runs `deployctl check` itself is judged by that run; one that only builds the project is judged by
# `deployctl check --select <id>`. Every such rule is taken from the registry: a new one is covered by default.
import json
import os
import shutil
import subprocess
import sys
import tempfile

import common
import git_support as g

binary = os.path.abspath(sys.argv[1])

# `deployctl` for the examples: the built binary, its JSON report kept for the test, its exit code passed on.
WRAPPER = '#!/bin/sh\n"$DEPLOYCTL_BINARY" "$@" --format json > "$DEPLOYCTL_REPORT"\n'


def run_example(rule_id, example, tools):
    """The findings of rule_id after running `example` in a fresh project."""
    project = g.new_repo()
    try:
        shutil.rmtree(os.path.join(project, ".git"))  # the examples make their own repository when they need one
        report = os.path.join(tools, "report.json")
        if os.path.exists(report):
            os.remove(report)
        env = dict(g.GIT_ENV, HOME=project, PATH=tools + os.pathsep + g.GIT_ENV["PATH"], DEPLOYCTL_BINARY=binary,
                   DEPLOYCTL_REPORT=report, LANG="C.UTF-8", LC_ALL="C.UTF-8")
        ran = subprocess.run(["sh", "-e", "-c", example], cwd=project, env=env, capture_output=True, text=True,
                             timeout=120)
        if os.path.exists(report):
            # The example ended with its own `deployctl check`: 1 means findings, anything else a failure.
            common.expect(ran.returncode in (0, 1) and "cannot run Django's checks" not in ran.stderr,
                          f"{rule_id}: the example's deployctl run failed:\n{example}\nexit {ran.returncode}\n"
                          f"{ran.stderr}")
            with open(report) as f:
                document = json.load(f)
        else:
            common.expect(ran.returncode == 0, f"{rule_id}: the example failed:\n{example}\n{ran.stderr}")
            result = common.run(binary, ["check", project, "--format", "json", "--select", rule_id])
            common.expect(result.code in (0, 1), f"{rule_id}: check failed", result)
            document = json.loads(result.out)
        return [f for f in document["findings"] if f["rule"] == rule_id]
    finally:
        shutil.rmtree(project, ignore_errors=True)


tools = tempfile.mkdtemp(prefix="deployctl-examples-")
try:
    wrapper = os.path.join(tools, "deployctl")
    with open(wrapper, "w") as f:
        f.write(WRAPPER)
    os.chmod(wrapper, 0o755)
    listing = json.loads(common.run(binary, ["rules", "--format", "json"]).out)
    shell_rules = [rule for rule in listing["rules"] if rule["example_language"] == "sh"]
    common.expect(shell_rules, "the registry lists rules with shell examples")
    for rule in shell_rules:
        for example, should_fire in ((rule["example_fires"], True), (rule["example_passes"], False)):
            fired = run_example(rule["id"], example, tools)
            common.expect(bool(fired) == should_fire,
                          f"{rule['id']} example {'fires' if should_fire else 'passes'}, got {fired}:\n{example}")
finally:
    shutil.rmtree(tools, ignore_errors=True)
print("ok")
