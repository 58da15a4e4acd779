import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alur.settings")
application = get_wsgi_application()

# gunicorn runs no system checks of its own: in production an unsafe start stops here.
from alur.core.checks import refuse_unsafe_start  # noqa: E402

refuse_unsafe_start()
