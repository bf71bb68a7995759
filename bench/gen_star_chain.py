# Generates a Django project of N settings modules chained by star imports, for the scaling benchmark.
# Run with /usr/bin/python3: gen_star_chain.py N OUTDIR [--segment L]; prints the entry module.
# Layout: s0000 is the root; links s0001.. each `from .<previous> import *`, in chains of at most L links
# that start again from s0000; the entry module, chain.settings.production, star-imports every chain's last
# link. One chain of 1000 would measure nothing: CPython fails with RecursionError at about 135 nested
# imports, and deployctl (DPL002) stops following imports nested more than 128 deep.
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

# Each link imports * from the previous one, adds two settings and overrides one or two existing
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


def link_name(index: int) -> str:
    return f's{index:04d}'


def segment_tails(count: int, segment: int) -> list[int]:
    """The last link of each segment: links 1 .. count-2 in runs of `segment`, each run rooted at s0000."""
    last = count - 2
    return [min(start + segment - 1, last) for start in range(1, last + 1, segment)]


def link_source(index: int, segment: int) -> str:
    parent = link_name(0 if (index - 1) % segment == 0 else index - 1)
    return (
        f'"""Chain link {index}: inherits {parent}, adds and overrides a few settings."""\n'
        'import os\n\n'
        f'from .{parent} import *  # noqa: F401,F403\n\n'
        + LINK_IDIOMS[index % len(LINK_IDIOMS)].format(i=index)
    )


def entry_source(count: int, segment: int) -> str:
    # Later segments override earlier ones, as a settings package that layers feature modules does.
    imports = ''.join(f'from .{link_name(tail)} import *  # noqa: F401,F403\n' for tail in segment_tails(count, segment))
    return (
        f'"""Entry module: joins the {count - 2} chain links, then adds its own settings."""\n'
        'import os\n\n'
        + (imports or f'from .{link_name(0)} import *  # noqa: F401,F403\n')
        + '\n'
        + LINK_IDIOMS[(count - 1) % len(LINK_IDIOMS)].format(i=count - 1)
    )


def generate(count: int, outdir: Path, segment: int) -> str:
    if count < 2:
        raise SystemExit('gen_star_chain.py: N must be at least 2')
    if segment < 1:
        raise SystemExit('gen_star_chain.py: --segment must be at least 1')
    if outdir.exists():
        shutil.rmtree(outdir)
    settings_dir = outdir / 'chain' / 'settings'
    settings_dir.mkdir(parents=True)
    (outdir / 'manage.py').write_text(MANAGE_PY.format(entry=ENTRY_MODULE))
    (outdir / 'chain' / '__init__.py').write_text('')
    (outdir / 'chain' / 'urls.py').write_text('urlpatterns = []\n')
    (settings_dir / '__init__.py').write_text('')
    (settings_dir / f'{link_name(0)}.py').write_text(BASE_MODULE)
    for index in range(1, count - 1):
        (settings_dir / f'{link_name(index)}.py').write_text(link_source(index, segment))
    (settings_dir / f'{ENTRY_MODULE}.py').write_text(entry_source(count, segment))
    return f'chain.settings.{ENTRY_MODULE}'


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description='Generate a project of N star-chained settings modules.')
    parser.add_argument('count', type=int, help='number of settings modules, the root and the entry included')
    parser.add_argument('outdir', type=Path, help='where to write the project (replaced if it exists)')
    parser.add_argument('--segment', type=int, default=100,
                        help='links per chain before a new one starts from the root (default 100: deeper '
                             'nesting is past what CPython can import)')
    args = parser.parse_args(argv)
    print(generate(args.count, args.outdir, args.segment))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
