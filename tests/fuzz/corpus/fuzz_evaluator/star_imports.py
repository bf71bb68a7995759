from .base import *  # noqa: F401,F403
from mysite.settings.common import *
from . import logging_config
from ..shared import defaults as shared_defaults

DEBUG = False
INSTALLED_APPS += ["whitenoise.runserver_nostatic"]
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
LOGGING = logging_config.LOGGING
del TEST_RUNNER
