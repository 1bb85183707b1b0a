from django.urls import path

from . import views

app_name = "conventions"

urlpatterns = [
    path("", views.ConventionListView.as_view(), name="list"),
    path("nouvelle/", views.ConventionCreateView.as_view(), name="create"),
    path("<uuid:pk>/", views.ConventionDetailView.as_view(), name="detail"),
    path("<uuid:pk>/modifier/", views.ConventionEditView.as_view(), name="edit"),
    path("<uuid:pk>/axes/ajouter/", views.AxisAddView.as_view(), name="axis_add"),
    path("<uuid:pk>/axes/<uuid:axis>/modifier/", views.AxisEditView.as_view(), name="axis_edit"),
    path("<uuid:pk>/axes/<uuid:axis>/retirer/", views.AxisRemoveView.as_view(), name="axis_remove"),
    path("<uuid:pk>/parties/ajouter/", views.PartyAddView.as_view(), name="party_add"),
    path("<uuid:pk>/parties/<uuid:party>/retirer/", views.PartyRemoveView.as_view(), name="party_remove"),
    path("<uuid:pk>/engagements/ajouter/", views.CommitmentAddView.as_view(), name="commitment_add"),
    path(
        "<uuid:pk>/engagements/<uuid:commitment>/retirer/",
        views.CommitmentRemoveView.as_view(),
        name="commitment_remove",
    ),
    path("<uuid:pk>/indicateurs/ajouter/", views.ConventionIndicatorAddView.as_view(), name="indicator_add"),
    path(
        "<uuid:pk>/indicateurs/<uuid:indicator>/retirer/",
        views.ConventionIndicatorRemoveView.as_view(),
        name="indicator_remove",
    ),
    path("<uuid:pk>/valeurs/ajouter/", views.ConventionValueAddView.as_view(), name="value_add"),
    path("<uuid:pk>/suivi/ajouter/", views.ReviewMeetingAddView.as_view(), name="review_add"),
    path("<uuid:pk>/cloture/", views.ConventionCloseView.as_view(), name="close"),
    path("strategie/", views.StrategyListView.as_view(), name="strategy_list"),
    path("strategie/nouvelle/", views.StrategyCreateView.as_view(), name="strategy_create"),
    path("strategie/<uuid:pk>/", views.StrategyDetailView.as_view(), name="strategy_detail"),
    path("strategie/<uuid:pk>/modifier/", views.StrategyEditView.as_view(), name="strategy_edit"),
    path("strategie/<uuid:pk>/objectifs/ajouter/", views.ObjectiveAddView.as_view(), name="objective_add"),
    path(
        "strategie/<uuid:pk>/objectifs/<uuid:objective>/retirer/",
        views.ObjectiveRemoveView.as_view(),
        name="objective_remove",
    ),
    path("strategie/<uuid:pk>/actions/ajouter/", views.StrategyActionAddView.as_view(), name="action_add"),
    path(
        "strategie/<uuid:pk>/actions/<uuid:action>/",
        views.StrategyActionUpdateView.as_view(),
        name="action_update",
    ),
    path(
        "strategie/<uuid:pk>/actions/<uuid:action>/retirer/",
        views.StrategyActionRemoveView.as_view(),
        name="action_remove",
    ),
    path(
        "strategie/<uuid:pk>/indicateurs/ajouter/",
        views.StrategyIndicatorAddView.as_view(),
        name="strategy_indicator_add",
    ),
    path(
        "strategie/<uuid:pk>/indicateurs/<uuid:indicator>/retirer/",
        views.StrategyIndicatorRemoveView.as_view(),
        name="strategy_indicator_remove",
    ),
    path(
        "strategie/<uuid:pk>/valeurs/ajouter/",
        views.StrategyValueAddView.as_view(),
        name="strategy_value_add",
    ),
    path(
        "strategie/<uuid:pk>/bilans/ajouter/",
        views.StrategyReviewAddView.as_view(),
        name="strategy_review_add",
    ),
]
