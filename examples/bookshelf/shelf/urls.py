from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("api/uploads/", views.api_uploads, name="api-uploads"),
    path("healthz", views.healthz, name="healthz"),
    path("boom/", views.boom, name="boom"),
]
