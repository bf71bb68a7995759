import os

DB_HOST = os.environ.get("DB_HOST", "localhost")
DB_PORT = int(os.environ.get("DB_PORT", "5432"))
DATABASE_URL = f"postgres://app@{DB_HOST}:{DB_PORT}/app"
CACHE_KEY_PREFIX = f"{os.environ.get('APP', 'mysite')!r}-{DB_PORT:05d}"
STATIC_URL = f"https://cdn.example.com/{'static'}/"
REDIS = "redis://%s:%d/0" % (DB_HOST, 6379)
BROKER_URL = "amqp://{}:{}@{}//".format("guest", "guest", DB_HOST)
SERVER_EMAIL = "root@" + DB_HOST
PADDED = "x" * 3
