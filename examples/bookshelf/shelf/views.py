import magic
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import Upload

# Changed by the tests to prove that a redeploy serves new code.
VERSION = "1"


def store(uploaded):
    head = uploaded.read(2048)
    uploaded.seek(0)
    return Upload.objects.create(file=uploaded, mime=magic.from_buffer(head, mime=True))


@require_http_methods(["GET", "POST"])
def index(request):
    """The shelf; POST file=... adds an upload."""
    if request.method == "POST" and "file" in request.FILES:
        store(request.FILES["file"])
        return redirect("index")
    return render(request, "shelf/index.html",
                  {"uploads": Upload.objects.all()[:50], "title": settings.SITE_TITLE, "version": VERSION})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def api_uploads(request):
    """JSON API (for scripts): GET lists, POST file=... adds one and returns it."""
    if request.method == "POST":
        upload = store(request.FILES["file"])
        return JsonResponse({"url": upload.file.url, "mime": upload.mime}, status=201)
    return JsonResponse({"version": VERSION, "title": settings.SITE_TITLE,
                         "uploads": [{"url": u.file.url, "mime": u.mime} for u in Upload.objects.all()]})


def boom(request):
    """A view that raises: its traceback must reach the container's log."""
    raise RuntimeError("bookshelf boom: a view that raises")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
