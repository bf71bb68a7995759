import os
import sys

ENVIRONMENT = os.environ.get("ENVIRONMENT", "production")
TESTING = "test" in sys.argv

if ENVIRONMENT == "production":
    DEBUG = False
    ALLOWED_HOSTS = ["example.com"]
elif ENVIRONMENT == "staging":
    DEBUG = False
    ALLOWED_HOSTS = ["staging.example.com"]
else:
    DEBUG = True
    ALLOWED_HOSTS = ["*"]

if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 3600 if ENVIRONMENT == "production" else 60

X_FRAME_OPTIONS = "DENY" if not DEBUG else "SAMEORIGIN"
while False:
    DEBUG = True
for app in ["debug_toolbar"]:
    if DEBUG:
        INSTALLED_APPS = [app]
