# The example's Celery app (mysite/celery.py), the usual way: settings from
# Django's, under the CELERY_ namespace; tasks found in the installed apps.
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")

app = Celery("mysite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
