# The repository checks through the command line, on repositories built with the git CLI: a key committed and
# removed (GIT002) named by commit and date and never printed, tracked env files and keys (GIT001), .gitignore
# coverage (GIT003), --no-git and its config key, --new-since with one old and one new finding. The GIT rules' own
# shell examples are run by rule_shell_examples.py.
import json
import os
import shutil
import sys
import tempfile

import common
import git_support as g

binary = sys.argv[1]
COMPLETE_GITIGNORE = ".env\n.env.*\n!.env.example\n*.log\nmedia/\n"
KEY = "e2e-Committed-Key-9f8e7d6c5b4a39281706f5e4d3c2b1a0ZYXWVU"


def check_json(repo, *flags):
    result = common.run(binary, ["check", repo, "--format", "json", *flags])
    common.expect(result.code in (0, 1), "check failed", result)
    return result, json.loads(result.out)


def rules(document, prefix="GIT"):
    return sorted(f["rule"] for f in document["findings"] if f["rule"].startswith(prefix))


repos = []
try:
    # GIT002: committed on 2026-11-20, removed the next day; the key never appears in any output.
    repo = g.new_repo()
    repos.append(repo)
    g.write(repo, ".gitignore", COMPLETE_GITIGNORE)
    g.write(repo, "mysite/settings.py", f"DEBUG = False\nSECRET_KEY = '{KEY}'\n")
    first = g.commit(repo, "settings", date="2026-11-20T12:00:00Z")
    g.write(repo, "mysite/settings.py", "import os\nDEBUG = False\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n")
    g.commit(repo, "read the key from the environment", date="2026-11-21T12:00:00Z")
    result, document = check_json(repo)
    common.expect(result.code == 1, "GIT002 is an error: exit 1", result)
    history = [f for f in document["findings"] if f["rule"] == "GIT002"]
    common.expect(len(history) == 1, "one GIT002 finding", result)
    message = history[0]["message"]
    common.expect(first[:7] in message and "2026-11-20" in message and "Rotate" in message,
                  "GIT002 names the commit, its date and the rotation", result)
    common.expect(history[0]["file"] == "mysite/settings.py" and history[0]["setting"] == "SECRET_KEY",
                  "GIT002 points at the file and setting", result)
    for flags in ([], ["--format", "text"], ["--format", "text", "--all-paths"]):
        shown = common.run(binary, ["check", repo, *flags])
        common.expect(KEY not in shown.out and KEY not in shown.err, "the key is never printed", shown)
    common.expect(rules(check_json(repo, "--no-git")[1]) == [], "--no-git turns the repository checks off")
    g.write(repo, "deployctl.toml", "[check]\nno-git = true\n")
    common.expect(rules(check_json(repo)[1]) == [], "no-git = true in deployctl.toml too")
    os.remove(os.path.join(repo, "deployctl.toml"))
    common.expect(rules(check_json(repo, "--select", "GIT002")[1]) == ["GIT002"], "--select GIT002 keeps it")

    # libgit2 (and its TLS and Kerberos dependencies) is loaded only by runs that open a repository: the dynamic
    # loader's own trace (LD_DEBUG=files) lists every library a run loads.
    def loads_libgit2(*args):
        traced = common.run(binary, list(args), env=dict(common.clean_env(), LD_DEBUG="files"))
        return "libgit2.so" in traced.err
    common.expect(not loads_libgit2("--version"), "--version does not load libgit2")
    common.expect(not loads_libgit2("check", repo, "--no-git"), "check --no-git does not load libgit2")
    common.expect(loads_libgit2("check", repo), "the repository checks load libgit2")
    # Outside any repository the repository checks cost nothing: no .git above the project, no libgit2.
    outside = tempfile.mkdtemp(prefix="deployctl-no-repo-")
    repos.append(outside)
    shutil.copytree(os.path.join(repo, "mysite"), os.path.join(outside, "mysite"))
    shutil.copy(os.path.join(repo, "manage.py"), outside)
    common.expect(not loads_libgit2("check", outside), "check outside a repository does not load libgit2")
    # libgit2's start-up reaches deployctl's mbedtls_x509_crt_parse_file (which skips the CA bundle during that
    # call, checks/git/libgit2_api.cpp), not mbedTLS's: the loader reports each symbol binding with LD_DEBUG.
    bound = common.run(binary, ["check", repo], env=dict(common.clean_env(), LD_DEBUG="bindings"))
    libgit2_binding = [line for line in bound.err.splitlines()
                       if "libgit2.so" in line and "`mbedtls_x509_crt_parse_file'" in line]
    common.expect(len(libgit2_binding) == 1 and "deployctl [0]" in libgit2_binding[0],
                  "libgit2 binds mbedtls_x509_crt_parse_file to the executable's definition")

    # GIT001 (index) and GIT003 (.gitignore without the settings' media and log dirs, nor the env file they read).
    repo = g.new_repo()
    repos.append(repo)
    g.write(repo, ".gitignore", ".env.local\n")
    g.write(repo, "mysite/settings.py",
            "import environ\nenviron.Env.read_env()\nMEDIA_ROOT = 'media'\n"
            "LOGGING = {'version': 1, 'handlers': {'f': {'class': 'logging.FileHandler', 'filename': 'logs/a.log'}}}\n")
    g.write(repo, ".env", "DJANGO_SECRET_KEY=Zr8-k2Lq-9vXw-tq4\n")
    g.write(repo, ".env.example", "DJANGO_SECRET_KEY=\n")
    g.write(repo, "deploy/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n")
    g.git(repo, "add", "-A")
    result, document = check_json(repo)
    tracked = sorted(f["file"] for f in document["findings"] if f["rule"] == "GIT001")
    common.expect(tracked == [".env", "deploy/id_ed25519"], f"GIT001 for .env and the key, got {tracked}", result)
    gaps = sorted(f["setting"] or "-" for f in document["findings"] if f["rule"] == "GIT003")
    common.expect(gaps == ["-", "LOGGING", "MEDIA_ROOT"], f"GIT003 per file the settings name, got {gaps}", result)

    # --new-since: DEBUG = True was there at the base (and moved since); ALLOWED_HOSTS = ['*'] is new.
    repo = g.new_repo()
    repos.append(repo)
    g.write(repo, ".gitignore", COMPLETE_GITIGNORE)
    g.write(repo, "mysite/settings.py", "DEBUG = True\n")
    g.commit(repo, "start")
    g.git(repo, "tag", "v1")
    g.write(repo, "mysite/settings.py", '"""Production."""\n\nDEBUG = True\nALLOWED_HOSTS = ["*"]\n')
    g.commit(repo, "hosts")
    _, everything = check_json(repo)
    common.expect({"DJ018", "HOST001"} <= {f["rule"] for f in everything["findings"]}, "both without --new-since")
    result, fresh = check_json(repo, "--new-since", "v1")
    new_rules = sorted({f["rule"] for f in fresh["findings"]})
    common.expect("HOST001" in new_rules and "DJ018" not in new_rules, f"only the new finding, got {new_rules}", result)
    common.expect(fresh["summary"]["error"] + fresh["summary"]["warning"] + fresh["summary"]["info"]
                  == len(fresh["findings"]), "the summary counts what is reported", result)
    # --new-since and GIT003: a gap is new when the settings name a path they did not name at REF, even with the
    # .gitignore unchanged; one the settings already named at REF is not new because other settings changed.
    repo = g.new_repo()
    repos.append(repo)
    g.write(repo, ".gitignore", "*.pyc\n")
    g.write(repo, "mysite/settings.py", "DEBUG = False\n")
    g.commit(repo, "start")
    g.git(repo, "tag", "v1")
    g.write(repo, "mysite/settings.py", "DEBUG = False\nMEDIA_ROOT = 'media'\n")
    g.commit(repo, "uploads")
    g.git(repo, "tag", "v2")
    result, fresh = check_json(repo, "--new-since", "v1")
    gaps = [f["setting"] for f in fresh["findings"] if f["rule"] == "GIT003"]
    common.expect(gaps == ["MEDIA_ROOT"], f"the new MEDIA_ROOT's gap is new since v1, got {gaps}", result)
    g.write(repo, "mysite/settings.py", "DEBUG = False\nMEDIA_ROOT = 'media'\nUSE_TZ = True\n")
    g.commit(repo, "tz")
    result, fresh = check_json(repo, "--new-since", "v2")
    gaps = [f["setting"] for f in fresh["findings"] if f["rule"] == "GIT003"]
    common.expect(gaps == [], f"the gap MEDIA_ROOT had at v2 is not new, got {gaps}", result)

    missing = common.run(binary, ["check", repo, "--new-since", "no-such-ref"])
    common.expect(missing.code == 2 and "unknown git revision 'no-such-ref'" in missing.err,
                  "an unknown revision is a tool failure naming it", missing)
    status = g.git(repo, "status", "--porcelain")
    common.expect(status == "", f"--new-since changes nothing in the repository, got {status!r}")
    # The facts record: a run whose repository files (HEAD, index, configs, the probed paths' ignore files) are as
    # the last full scan saw them takes that scan's facts and loads no libgit2; any change brings libgit2 back, and
    # the findings are always those of a full scan.
    repo = g.new_repo()
    repos.append(repo)
    cache_home = tempfile.mkdtemp(prefix="deployctl-cache-")
    repos.append(cache_home)
    g.write(repo, ".gitignore", "*.pyc\n")
    g.write(repo, "mysite/settings.py", f"DEBUG = False\nMEDIA_ROOT = 'media'\nSECRET_KEY = '{KEY}'\n")
    g.commit(repo, "key", date="2026-11-20T12:00:00Z")
    g.write(repo, "mysite/settings.py", "import os\nDEBUG = False\nMEDIA_ROOT = 'media'\n")
    g.commit(repo, "key gone", date="2026-11-21T12:00:00Z")

    def cached_run():
        env = dict(common.clean_env(), XDG_CACHE_HOME=cache_home, HOME=cache_home, LD_DEBUG="files")
        traced = common.run(binary, ["check", repo, "--format", "json"], env=env)
        common.expect(traced.code in (0, 1), "check failed", traced)
        return "libgit2.so" in traced.err, sorted((f["rule"], f["file"]) for f in json.loads(traced.out)["findings"])

    loaded, full = cached_run()
    common.expect(loaded and ("GIT002", "mysite/settings.py") in full and ("GIT003", ".gitignore") in full,
                  f"the first run scans with libgit2, got {full}")
    common.expect(cached_run() == (False, full), "nothing changed: the recorded facts, no libgit2")
    g.write(repo, ".gitignore", "*.pyc\nmedia/\n")  # in the working tree only: GIT003's part is probed again
    loaded, fixed = cached_run()
    common.expect(loaded and ("GIT003", ".gitignore") not in fixed and ("GIT002", "mysite/settings.py") in fixed,
                  f"an edited .gitignore is probed again, got {fixed}")
    common.expect(cached_run() == (False, fixed), "and recorded")
    g.write(repo, ".env", "DJANGO_SECRET_KEY=Zr8-k2Lq-9vXw-tq4\n")
    g.git(repo, "add", ".env")  # the index changed
    loaded, staged = cached_run()
    common.expect(loaded and ("GIT001", ".env") in staged, f"a staged env file is seen, got {staged}")
    g.commit(repo, "env file", date="2026-11-22T12:00:00Z")
    common.expect(cached_run()[0], "a new commit is scanned with libgit2")
    common.expect(not cached_run()[0], "and recorded")
finally:
    for repo in repos:
        shutil.rmtree(repo, ignore_errors=True)
print("ok")
