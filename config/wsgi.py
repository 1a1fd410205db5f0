import os

from django.core.wsgi import get_wsgi_application

from config.env import exit_on_configuration_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
exit_on_configuration_error()
application = get_wsgi_application()
