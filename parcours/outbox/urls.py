from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("", views.OutboxListView.as_view(), name="list"),
    path("<uuid:pk>/renvoyer/", views.RetryView.as_view(), name="retry"),
]
