import os
import dj_database_url

DATABASES = {
    "default": dj_database_url.config(
        default="postgres://localhost/app",
        conn_max_age=600,
        ssl_require=not os.environ.get("DEBUG"),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["replica"] = dj_database_url.parse(os.environ.get("REPLICA_URL", "sqlite://:memory:"))
