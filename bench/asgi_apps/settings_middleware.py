# The example's production settings with the middleware of the ASGI benchmark's Django workload (issue 14): the
# ones a JSON API keeps. Sessions, auth and messages would add database work that is not the server's.
from mysite.settings.production import *  # noqa: F401,F403

MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.middleware.clickjacking.XFrameOptionsMiddleware',
]
