import socket

from django.http import HttpResponse, JsonResponse

# Changed by the tests to prove that a redeploy serves new code.
VERSION = "1"


async def index(request):
    """An async view: the release (its container's hostname) and the code's version."""
    return JsonResponse({"version": VERSION, "release": socket.gethostname()})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
