import os

ADMINS = [(name, f"{name.lower()}@example.com") for name in ("Alice", "Bob")]
MANAGERS = ADMINS
ALLOWED_HOSTS = [h.strip() for h in "a.example.com, b.example.com".split(",") if h]
LANGUAGES = {code: code.upper() for code in ["en", "fr", "de"]}
FLAGS = {f for f in ("a", "b", "a")}
TOTAL = sum(x * x for x in range(10))
ENV_FLAGS = {key[7:]: value for key, value in os.environ.items() if key.startswith("DJANGO_")}
NESTED = [[i * j for j in range(3)] for i in range(3)]
