import os
from os.path import abspath, dirname, join
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_ROOT = dirname(dirname(abspath(__file__)))
STATIC_ROOT = os.path.join(PROJECT_ROOT, "staticfiles")
MEDIA_ROOT = BASE_DIR / "media" / "uploads"
TEMPLATES_DIR = str(BASE_DIR.joinpath("templates"))
LOG_FILE = BASE_DIR.parent / "logs" / f"{BASE_DIR.name}.log"
STATICFILES_DIRS = [BASE_DIR / "static", join(PROJECT_ROOT, "assets")]
