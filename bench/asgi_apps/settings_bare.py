# The example's production settings without any middleware: the ASGI benchmark's Django workload at its leanest.
from mysite.settings.production import *  # noqa: F401,F403

MIDDLEWARE = []
