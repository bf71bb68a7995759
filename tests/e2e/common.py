# Shared by the e2e scripts of deployctl's command line: run the built binary in a clean, predictable
# environment, and fail with the command, exit code and both streams in the message.
import os
import subprocess
import sys

SKIP = 125  # ctest treats this exit code as "skipped" (SKIP_RETURN_CODE)


def clean_env(**extra):
    """No NO_COLOR, no locale surprises, nothing of the developer's shell that could change the output."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    # Sanitizer settings from ctest (tests/CMakeLists.txt) pass through; NO_COLOR does not: it is under test.
    env.update({k: v for k, v in os.environ.items() if k in ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS")})
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


class Result:
    def __init__(self, args, completed):
        self.args = args
        self.code = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr

    def describe(self):
        return (f"command: {' '.join(self.args)}\nexit: {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}")


def run(binary, args, cwd=None, env=None, timeout=60):
    completed = subprocess.run([binary, *args], cwd=cwd, env=env or clean_env(), capture_output=True, text=True,
                               timeout=timeout)
    result = Result([binary, *args], completed)
    if result.code < 0:
        fail(f"killed by signal {-result.code}", result)
    return result


def fail(message, result=None):
    print(f"FAIL: {message}", file=sys.stderr)
    if result is not None:
        print(result.describe(), file=sys.stderr)
    sys.exit(1)


def expect(condition, message, result=None):
    if not condition:
        fail(message, result)


def write_file(path, content):
    """Writes text, or bytes as they are, creating the parent directories."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(content, bytes) else "w") as f:
        f.write(content)
    return path


def write_django_project(root, settings, package="mysite"):
    """A startproject-like layout in `root`: manage.py naming `package`.settings, whose settings.py is `settings`
    (text, or bytes written as they are). Returns root."""
    write_file(os.path.join(root, "manage.py"),
               f"import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', '{package}.settings')\n")
    write_file(os.path.join(root, package, "__init__.py"), "")
    write_file(os.path.join(root, package, "settings.py"), settings)
    return root
