# The reference for serve_browser.py run against gunicorn, which serves no static files: the example project
# behind Django's own StaticFilesHandler, so the admin's stylesheets load from the same origin as with deployctl.
from django.contrib.staticfiles.handlers import StaticFilesHandler

from mysite.wsgi import application as django_application

application = StaticFilesHandler(django_application)
