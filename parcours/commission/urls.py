from django.urls import path  # noqa: F401

from . import views  # noqa: F401

app_name = "commission"

urlpatterns: list = []

from .urls_portal import urlpatterns as portal_urls  # noqa: E402 (the member portal)

urlpatterns += portal_urls
