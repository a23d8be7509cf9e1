from celery import shared_task

from .models import Upload


@shared_task
def write_row(name):
    """A row the worker writes into the database (the test looks for it)."""
    Upload.objects.create(file="uploads/%s.txt" % name, mime="text/x-from-celery")
