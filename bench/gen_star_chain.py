# Generates a Django project whose settings are N modules chained by star imports, for the scaling benchmark.
# Run with /usr/bin/python3: gen_star_chain.py N OUTDIR; prints the entry module, chain.settings.production.
# The result is valid Django, but CPython's import machinery hits its recursion limit past ~130 links.
import argparse
import shutil
import sys
from pathlib import Path

ENTRY_MODULE = 'production'

MANAGE_PY = '''#!/usr/bin/env python3
import os
import sys

if __name__ == '__main__':
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chain.settings.{entry}')
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
'''

# The root of the chain: what startproject writes, with the usual environment reads.
BASE_MODULE = '''"""Chain root: the settings every later module inherits."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'chain-secret-key-fallback')
DEBUG = os.environ.get('DJANGO_DEBUG', 'false').lower() == 'true'
ALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost').split(',')

INSTALLED_APPS = [
    'django.contrib.admin',
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'django.contrib.messages',
    'django.contrib.staticfiles',
]

MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
    'django.middleware.clickjacking.XFrameOptionsMiddleware',
]

ROOT_URLCONF = 'chain.urls'

TEMPLATES = [
    {
        'BACKEND': 'django.template.backends.django.DjangoTemplates',
        'DIRS': [],
        'APP_DIRS': True,
        'OPTIONS': {
            'context_processors': [
                'django.template.context_processors.request',
                'django.contrib.auth.context_processors.auth',
                'django.contrib.messages.context_processors.messages',
            ],
        },
    },
]

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.sqlite3',
        'NAME': os.environ.get('DJANGO_DB_PATH', str(BASE_DIR / 'db.sqlite3')),
    }
}

CACHE_TIMEOUT = int(os.environ.get('CACHE_TIMEOUT', '300'))
STATIC_URL = '/static/'
STATIC_ROOT = BASE_DIR / 'staticfiles'
USE_TZ = True
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
'''

# Each later module imports * from the previous one, adds two settings and overrides one or two existing
# ones, rotating through the environment idioms real settings use. `{i}` is the module's index.
LINK_IDIOMS = [
    "FEATURE_{i}_ENABLED = os.environ.get('FEATURE_{i}', 'false').lower() in ('1', 'true', 'yes')\n"
    "FEATURE_{i}_LIMIT = int(os.getenv('FEATURE_{i}_LIMIT', '{i}'))\n"
    "CACHE_TIMEOUT = int(os.environ.get('CACHE_TIMEOUT_{i}', CACHE_TIMEOUT))\n",

    "SERVICE_{i}_URL = os.environ.get('SERVICE_{i}_URL', 'https://svc{i}.internal.example/')\n"
    "SERVICE_{i}_HOSTS = os.environ.get('SERVICE_{i}_HOSTS', 'a.example,b.example').split(',')\n"
    "ALLOWED_HOSTS = ALLOWED_HOSTS + [h for h in os.environ.get('EXTRA_HOSTS_{i}', '').split(',') if h]\n",

    "_timeout_{i} = os.environ.get('TIMEOUT_{i}')\n"
    "TIMEOUT_{i} = int(_timeout_{i}) if _timeout_{i} else {i}\n"
    "LABEL_{i} = f'module-{i}-' + os.environ.get('LABEL_SUFFIX', 'x')\n"
    "DEBUG = os.environ.get('DJANGO_DEBUG_{i}', str(DEBUG)).lower() == 'true'\n",

    "if os.environ.get('ENABLE_APP_{i}'):\n"
    "    INSTALLED_APPS = INSTALLED_APPS + ['app{i}']\n"
    "RETRIES_{i} = int(os.environ['RETRIES_{i}']) if 'RETRIES_{i}' in os.environ else 3\n"
    "FLAGS_{i} = {{'enabled': True, 'weight': {i}, 'name': 'flag{i}'}}\n"
    "SESSION_COOKIE_AGE = 3600 + {i}\n",
]


def module_name(index: int, count: int) -> str:
    # The last link has a fixed name so that every size is checked with the same command line.
    return ENTRY_MODULE if index == count - 1 else f's{index:04d}'


def module_source(index: int, count: int) -> str:
    idiom = LINK_IDIOMS[index % len(LINK_IDIOMS)].format(i=index)
    parent = module_name(index - 1, count)
    return (
        f'"""Chain link {index}: inherits {parent}, adds and overrides a few settings."""\n'
        'import os\n\n'
        f'from .{parent} import *  # noqa: F401,F403\n\n'
        f'{idiom}'
    )


def generate(count: int, outdir: Path) -> str:
    if count < 2:
        raise SystemExit('gen_star_chain.py: N must be at least 2')
    if outdir.exists():
        shutil.rmtree(outdir)
    settings_dir = outdir / 'chain' / 'settings'
    settings_dir.mkdir(parents=True)
    (outdir / 'manage.py').write_text(MANAGE_PY.format(entry=ENTRY_MODULE))
    (outdir / 'chain' / '__init__.py').write_text('')
    (outdir / 'chain' / 'urls.py').write_text('urlpatterns = []\n')
    (settings_dir / '__init__.py').write_text('')
    (settings_dir / 's0000.py').write_text(BASE_MODULE)
    for index in range(1, count):
        (settings_dir / f'{module_name(index, count)}.py').write_text(module_source(index, count))
    return f'chain.settings.{ENTRY_MODULE}'


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description='Generate a project of N star-chained settings modules.')
    parser.add_argument('count', type=int, help='number of settings modules in the chain')
    parser.add_argument('outdir', type=Path, help='where to write the project (replaced if it exists)')
    args = parser.parse_args(argv)
    print(generate(args.count, args.outdir))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
