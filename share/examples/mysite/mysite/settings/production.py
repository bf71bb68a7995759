"""
Production settings for mysite, configured from the environment.

Set DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS (comma-separated) and DATABASE_URL on the server.
"""
import os

import dj_database_url

from .base import *  # noqa: F401,F403

SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'default_secret_key')

DEBUG = os.environ.get('DJANGO_DEBUG', False)

ALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')

DATABASES = {
    'default': dj_database_url.config(
        default='sqlite:///' + str(BASE_DIR / 'db.sqlite3'),
        conn_max_age=600,
    ),
}

# nginx terminates TLS and tells us so.
SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')

ADMINS = [('Site Admin', os.environ.get('DJANGO_ADMIN_EMAIL', 'admin@example.com'))]
SERVER_EMAIL = 'mysite@example.com'

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'formatters': {
        'verbose': {
            'format': '{asctime} {levelname} {name} {message}',
            'style': '{',
        },
    },
    'handlers': {
        'console': {
            'class': 'logging.StreamHandler',
            'formatter': 'verbose',
        },
        'file': {
            'class': 'logging.FileHandler',
            'filename': 'logs/django.log',
            'formatter': 'verbose',
        },
    },
    'loggers': {
        'django': {
            'handlers': ['console', 'file'],
            'level': os.environ.get('DJANGO_LOG_LEVEL', 'INFO'),
        },
        'blog': {
            'handlers': ['console', 'file'],
            'level': 'INFO',
        },
    },
}
