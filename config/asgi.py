import os

from django.core.asgi import get_asgi_application

from config.env import exit_on_configuration_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
exit_on_configuration_error()
application = get_asgi_application()
