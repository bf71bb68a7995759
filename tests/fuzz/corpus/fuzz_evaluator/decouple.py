from decouple import config, Csv
from dj_database_url import parse as db_url

SECRET_KEY = config("SECRET_KEY")
DEBUG = config("DEBUG", default=False, cast=bool)
ALLOWED_HOSTS = config("ALLOWED_HOSTS", cast=Csv())
DATABASES = {"default": config("DATABASE_URL", default="sqlite:///db.sqlite3", cast=db_url)}
EMAIL_PORT = config("EMAIL_PORT", default=25, cast=int)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
