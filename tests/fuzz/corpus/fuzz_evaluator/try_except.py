import os

try:
    from .local_settings import *
except ImportError:
    pass

try:
    SECRET_KEY = os.environ["SECRET_KEY"]
except KeyError as exc:
    raise RuntimeError("SECRET_KEY must be set") from exc
else:
    SECRET_KEY_SET = True
finally:
    LOADED = True

try:
    import sentry_sdk
    sentry_sdk.init(dsn=os.environ.get("SENTRY_DSN"), traces_sample_rate=0.1)
except (ImportError, Exception):
    sentry_sdk = None
