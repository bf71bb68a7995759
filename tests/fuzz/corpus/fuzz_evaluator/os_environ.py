import os

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = os.environ.get("DJANGO_DEBUG", "False").lower() in ("1", "true", "yes")
ALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "").split(",")
SECURE_SSL_REDIRECT = os.environ.get("SSL_REDIRECT", "true") == "true"
SESSION_COOKIE_SECURE = bool(int(os.environ.get("COOKIE_SECURE", "1")))
SECURE_HSTS_SECONDS = int(os.getenv("HSTS_SECONDS", 31536000))
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_ORIGINS", "").split(",") if o.strip()]
