import os

from django.core.wsgi import get_wsgi_application

from jiuzhu.core.private_files import private_umask

private_umask()  # before the settings load: every file the server writes is its own
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()
