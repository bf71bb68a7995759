# Split settings: base.py holds what every environment shares; pick production or development
# with DJANGO_SETTINGS_MODULE (manage.py, wsgi.py and asgi.py default to production).
