from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .models import Note

# Changed by the tests to prove that a redeploy serves new code.
VERSION = "1"


@require_http_methods(["GET", "POST"])
def index(request):
    """List the notes; POST text=... adds one."""
    if request.method == "POST":
        text = request.POST.get("text", "").strip()
        if text:
            Note.objects.create(text=text[:200])
        return redirect("index")
    return render(request, "notes/index.html", {"notes": Note.objects.all()[:50], "version": VERSION})


def api_notes(request):
    return JsonResponse({"version": VERSION, "notes": [n.text for n in Note.objects.all()]})


def healthz(request):
    """Answers 200 when the app is loaded and its database reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
