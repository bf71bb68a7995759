# --django on the example project and on a small project of the test's own: Django's system checks merged into the
# JSON report (one finding per Django check id, static findings keep their place), exit codes, an import that fails
# (one warning, static results unchanged, no secret printed) and settings that print (stdout stays the report).
import json
import os
import shutil
import sys
import tempfile

import common

binary = sys.argv[1]
source_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
mysite = os.path.join(source_root, "share", "examples", "mysite")
SECRET = "e2e-Django-Secret-7a6b5c4d3e2f1g0h9i8j7k6l5m4n3o2p1q0rSTUVWX"
env_flags = ["--env", f"DJANGO_SECRET_KEY={SECRET}", "--env", "DJANGO_ALLOWED_HOSTS=example.com",
             "--env", "DATABASE_URL=sqlite:////tmp/deployctl-e2e-unused.sqlite3"]


def check(project, *flags):
    result = common.run(binary, ["check", project, "--no-git", "--format", "json", *flags], timeout=120)
    common.expect(result.code in (0, 1), "check failed", result)
    common.expect(SECRET not in result.out and SECRET not in result.err, "the secret is never printed", result)
    return result, json.loads(result.out)


def located(document):
    return sorted((f["rule"], f["file"], f["line"], f["django_check"] or "") for f in document["findings"])


# The example project with a working environment: Django runs (no warning) and adds nothing the static analysis
# missed; every Django check id is reported once, by the static finding.
static, static_doc = check(mysite, *env_flags)
merged, merged_doc = check(mysite, "--django", *env_flags)
common.expect(merged.err == "", "Django's checks ran without a warning", merged)
common.expect(merged.code == static.code == 1, "exit 1 with and without --django", merged)
ids = [f["django_check"] for f in merged_doc["findings"] if f["django_check"]]
common.expect(len(ids) == len(set(ids)), f"one finding per Django check id, got {ids}", merged)
common.expect({"security.W004", "security.W008", "security.W012", "security.W016"} <= set(ids),
              "Django's deploy warnings are there", merged)
common.expect(located(merged_doc) == located(static_doc), "static findings keep their place", merged)
common.expect(merged_doc["summary"] == static_doc["summary"], "same summary", merged)

# An import that fails: one warning naming the exception and the line, and the static report unchanged.
failing, failing_doc = check(mysite, "--django", "--env", f"DJANGO_SECRET_KEY={SECRET}", "--env", "DATABASE_URL=bogus://x")
plain, plain_doc = check(mysite, "--env", f"DJANGO_SECRET_KEY={SECRET}", "--env", "DATABASE_URL=bogus://x")
warnings = failing.err.strip().splitlines()
common.expect(len(warnings) == 1 and warnings[0].startswith("deployctl: warning: --django: ") and
              "mysite/settings/production.py:" in warnings[0] and "continuing with the static results" in warnings[0],
              "one warning saying why", failing)
common.expect(failing.code == plain.code and failing_doc == plain_doc, "the static results stand", failing)

# A project of the test's own: the admin without templates is only visible to Django (admin.E403: RT001), and a
# settings module that prints does not corrupt the JSON on stdout.
project = tempfile.mkdtemp(prefix="deployctl-django-e2e-")
try:
    os.makedirs(os.path.join(project, "mysite"))
    open(os.path.join(project, "mysite", "__init__.py"), "w").close()
    with open(os.path.join(project, "mysite", "settings.py"), "w") as f:
        f.write("import os\nprint('hello from the settings')\n"
                "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\nALLOWED_HOSTS = ['example.com']\n"
                "INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.auth', 'django.contrib.contenttypes',\n"
                "                  'django.contrib.messages', 'django.contrib.sessions']\n"
                "MIDDLEWARE = ['django.middleware.security.SecurityMiddleware',\n"
                "              'django.contrib.sessions.middleware.SessionMiddleware',\n"
                "              'django.contrib.auth.middleware.AuthenticationMiddleware',\n"
                "              'django.contrib.messages.middleware.MessageMiddleware']\n")
    flags = ["--settings", "mysite.settings", "--env", f"DJANGO_SECRET_KEY={SECRET}"]
    result, document = check(project, "--django", *flags)
    runtime = [f for f in document["findings"] if f["rule"] == "RT001"]
    common.expect(any(f["django_check"] == "admin.E403" and f["severity"] == "error" for f in runtime),
                  "admin.E403 as an RT001 error", result)
    common.expect(result.code == 1, "exit 1", result)
    _, without = check(project, *flags)
    common.expect(not any(f["rule"] == "RT001" for f in without["findings"]), "no RT001 without --django")
    only_errors = common.run(binary, ["check", project, "--no-git", "--django", "--fail-on", "error",
                                      "--select", "RT", *flags])
    common.expect(only_errors.code == 1 and "admin.E403" in only_errors.out, "RT001 errors fail --fail-on error",
                  only_errors)
finally:
    shutil.rmtree(project, ignore_errors=True)
print("ok")
