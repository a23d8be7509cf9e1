from celery import shared_task

from .models import Note


@shared_task
def add_note(text):
    """A note the worker writes into the database (the test reads it through the site)."""
    Note.objects.create(text=text)
