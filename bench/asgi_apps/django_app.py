# The example project under Django's own ASGI handler, with no ASGI middleware around it (the example's asgi.py adds
# Server-Timing): bench/asgi.sh picks the Django middleware through DJANGO_SETTINGS_MODULE (settings_*.py here).
from django.core.asgi import get_asgi_application

application = get_asgi_application()
