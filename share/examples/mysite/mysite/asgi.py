"""
ASGI config for mysite project.

It exposes the ASGI callable as a module-level variable named ``application``: Django's ASGI handler inside an
ASGI middleware that adds a Server-Timing header to every response.
"""

import os

from django.core.asgi import get_asgi_application

from mysite.server_timing import ServerTimingMiddleware

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings.production')

application = ServerTimingMiddleware(get_asgi_application())
