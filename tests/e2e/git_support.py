# Shared by the git e2e scripts: throwaway repositories built with the git CLI (test setup only; deployctl itself
# reads them with libgit2), with a fixed identity and no user or system git configuration.
import os
import subprocess
import tempfile

GIT_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_AUTHOR_DATE": "2026-11-20T12:00:00Z", "GIT_COMMITTER_DATE": "2026-11-20T12:00:00Z",
}


def git(repo, *args, date=None):
    env = dict(GIT_ENV, HOME=repo)
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def write(repo, relative, text):
    path = os.path.join(repo, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def new_repo():
    """A fresh repository with a minimal Django project (manage.py names mysite.settings) and nothing committed."""
    directory = tempfile.mkdtemp(prefix="deployctl-git-e2e-")
    git(directory, "init", "-q", "-b", "main")
    write(directory, "manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n")
    write(directory, "mysite/__init__.py", "")
    write(directory, "mysite/settings.py", "DEBUG = False\n")
    return directory


def commit(repo, message, date=None):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")
