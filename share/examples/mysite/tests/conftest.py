"""
The settings and database of the async tests, and the `client` fixture they speak HTTP through.

With MYSITE_BASE_URL set (e.g. http://127.0.0.1:8000) the tests talk to a server running this project, whose
database that server owns. Without it they call mysite.asgi:application in-process through httpx, on a sqlite
database created and migrated in a temporary directory for this run.
"""
import os
import secrets

import django
import httpx
import pytest
import pytest_asyncio
from django.core.management import call_command

BASE_URL = os.environ.get('MYSITE_BASE_URL')


@pytest.fixture(scope='session', autouse=True)
def django_project(tmp_path_factory):
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings.production')
    os.environ.setdefault('DJANGO_SECRET_KEY', 'tests-only-' + secrets.token_urlsafe(40))
    os.environ.setdefault('DJANGO_ALLOWED_HOSTS', 'testserver')
    if BASE_URL is None:
        database = tmp_path_factory.mktemp('database') / 'db.sqlite3'
        os.environ['DATABASE_URL'] = f'sqlite:///{database}'
    django.setup()  # reverse() needs the URLconf in both modes
    if BASE_URL is None:
        call_command('migrate', interactive=False, verbosity=0)


@pytest_asyncio.fixture
async def client():
    if BASE_URL:
        async with httpx.AsyncClient(base_url=BASE_URL) as client:
            yield client
    else:
        from mysite.asgi import application
        async with httpx.AsyncClient(app=application, base_url='http://testserver') as client:
            yield client
