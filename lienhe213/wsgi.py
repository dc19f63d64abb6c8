import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienhe213.settings")
application = get_wsgi_application()

# Serving signs sessions and forms: reading the key makes Django refuse to start here
# (ImproperlyConfigured) when DJANGO_SECRET_KEY is unset without DEBUG, rather than at
# the first request.
_secret_key = settings.SECRET_KEY
