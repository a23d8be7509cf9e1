from django.db import models


class Upload(models.Model):
    """A file a user uploaded (kept under MEDIA_ROOT), with the type libmagic found."""

    file = models.FileField(upload_to="uploads/")
    mime = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
