#!/usr/bin/python3
# Secret values never reach the output: a SECRET_KEY literal, a database password and a database URL with
# credentials are flagged, but neither the text nor the JSON report nor stderr contains them.
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import expect, run  # noqa: E402

SECRETS = ["django-insecure-9f8e7d6c5b4a39281706f5e4d3c2b1a0-do-not-print", "hunter2-db-password", "s3cr3t-in-url"]

SETTINGS = f"""
SECRET_KEY = "{SECRETS[0]}"
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "PASSWORD": "{SECRETS[1]}",
    }}
}}
DATABASE_URL = "postgres://app:{SECRETS[2]}@db.internal/app"
"""


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "mysite"))
        with open(os.path.join(tmp, "manage.py"), "w") as f:
            f.write("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n")
        open(os.path.join(tmp, "mysite", "__init__.py"), "w").close()
        with open(os.path.join(tmp, "mysite", "settings.py"), "w") as f:
            f.write(SETTINGS)
        for output in ("text", "json"):
            result = run(binary, ["check", tmp, "--format", output])
            expect(result.code == 1, f"{output}: the secrets are findings", result)
            expect("SECRET_KEY" in result.out or "SK0" in result.out, f"{output}: SECRET_KEY is reported", result)
            for secret in SECRETS:
                expect(secret not in result.out and secret not in result.err, f"{output}: {secret!r} printed", result)


if __name__ == "__main__":
    main(sys.argv[1])
