from django.urls import path

from . import views

app_name = "housing"
urlpatterns = [
    path("personne/<uuid:pk>/", views.PersonHousingView.as_view(), name="person"),
    path("personne/<uuid:pk>/siao/", views.SiaoAddView.as_view(), name="siao_add"),
    path("siao/<uuid:pk>/issue/", views.SiaoOutcomeView.as_view(), name="siao_outcome"),
    path("personne/<uuid:pk>/demande/", views.HousingRequestAddView.as_view(), name="request_add"),
    path("demande/<uuid:pk>/", views.HousingRequestUpdateView.as_view(), name="request_update"),
]
