"""Writes a `git fast-import` stream for bench/git_history.sh: a Django project whose history has N commits.
The key is 50 random-looking characters: GIT002 reports only what may grant access, not placeholders.

Every commit changes mysite/settings.py (so the scan parses N distinct settings blobs, its worst case) and one of
50 app modules; commit N/2 adds a literal SECRET_KEY and the next one removes it, so GIT002 has one finding.
"""
import sys

commits = int(sys.argv[1])
out = sys.stdout.buffer


def blob(text):
    data = text.encode()
    out.write(b"data %d\n" % len(data) + data + b"\n")


def settings(i):
    key = "SECRET_KEY = 'bench-%04d-0123456789abcdefghijklmnopqrstuvwxyzABCDEFG'\n" % i \
        if i == commits // 2 else "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n"
    return ("import os\n\n# revision %d\n" % i + key +
            "DEBUG = os.environ.get('DJANGO_DEBUG') == '1'\n"
            "ALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', 'example.com').split(',')\n"
            "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'app',\n"
            "                         'PASSWORD': os.environ['DB_PASSWORD']}}\n"
            "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'blog']\n")


for i in range(1, commits + 1):
    when = 1700000000 + i * 60
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % when)
    blob("revision %d\n" % i)
    out.write(b"M 100644 inline mysite/settings.py\n")
    blob(settings(i))
    out.write(b"M 100644 inline blog/module_%02d.py\n" % (i % 50))
    blob("VALUE = %d\n" % i)
    if i == 1:
        out.write(b"M 100644 inline manage.py\n")
        blob("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n")
        out.write(b"M 100644 inline mysite/__init__.py\n")
        blob("")
        out.write(b"M 100644 inline .gitignore\n")
        blob(".env\n.env.*\n*.log\nmedia/\n")
    out.write(b"\n")
