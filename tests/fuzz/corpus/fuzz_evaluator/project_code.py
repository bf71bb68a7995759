import os, sys, random
from configurations import Configuration, values
def env_bool(name, default=False, *rest, strict=True, **extra):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return value.lower() in ("1", "true")
    except AttributeError:
        return default
    finally:
        pass
def setup(g, apps):
    for app in apps:
        if app == "skip":
            continue
        if sys.argv:
            break
        g["APP_" + app.upper()] = True
    g.update({"X": 1})
    return apps, list(apps)
class Base(Configuration):
    DEBUG = values.BooleanValue(True)
class Prod(Base):
    SECRET_KEY = values.SecretValue()
DEBUG = env_bool("DEBUG", True)
INSTALLED_APPS, MIDDLEWARE = setup(globals(), ["a", "skip", "b"])
for name in dir(Prod):
    if name.isupper():
        globals()[name] = getattr(Prod, name)
for m in sys.argv:
    MIDDLEWARE.append(m)
globals()[sys.argv[0]] = 1
if not os.environ.get("SECRET"):
    raise ValueError("SECRET")
KEY = "".join(random.SystemRandom().choice("ab") for _ in range(50))
