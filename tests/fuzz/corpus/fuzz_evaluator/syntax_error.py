DEBUG = True
ALLOWED_HOSTS = ["example.com"
SECRET_KEY = "x"
