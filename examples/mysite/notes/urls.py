from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("api/notes/", views.api_notes, name="api-notes"),
    path("healthz", views.healthz, name="healthz"),
]
