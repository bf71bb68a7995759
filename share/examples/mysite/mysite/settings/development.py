"""Settings for a developer's machine: runserver, debug pages, console e-mail."""
from .base import *  # noqa: F401,F403

SECRET_KEY = 'django-insecure-dev-only-9c1f7a4e0b2d4f6a8e3c5b7d9f1a2c4e6b8d0f2a4c6e8b0d'

DEBUG = True

ALLOWED_HOSTS = ['localhost', '127.0.0.1', '[::1]']

EMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'
