from django.urls import path

from outreach import field_views, views

app_name = "outreach"

urlpatterns = [
    # Field mode: the service worker and the manifest from the site root (their scope is the whole site).
    path("sw.js", field_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", field_views.manifest, name="manifest"),
    path("field/", field_views.field_caseload, name="field_caseload"),
    path("field/sync/", field_views.field_sync, name="field_sync"),
    path("clients/", views.ClientListView.as_view(), name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/duplicates/<int:pk>/merge/", views.duplicate_merge, name="duplicate_merge"),
    path("clients/duplicates/<int:pk>/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/history/", views.client_history, name="client_history"),
    path("clients/<int:pk>/exit/", views.client_exit, name="client_exit"),
    path("clients/<int:pk>/exit/undo/", views.client_exit_undo, name="client_exit_undo"),
    path("clients/<int:pk>/reenrol/", views.client_reenrol, name="client_reenrol"),
    path("clients/<int:pk>/transfer/", views.client_transfer, name="client_transfer"),
    path("clients/<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact_create"),
    path("clients/<int:pk>/contacts/<int:item_pk>/edit/", views.ContactUpdateView.as_view(), name="contact_edit"),
    path("clients/<int:pk>/goals/new/", views.GoalCreateView.as_view(), name="goal_create"),
    path("clients/<int:pk>/goals/<int:item_pk>/edit/", views.GoalUpdateView.as_view(), name="goal_edit"),
    path("clients/<int:pk>/referrals/new/", views.ReferralCreateView.as_view(), name="referral_create"),
    path("clients/<int:pk>/referrals/<int:item_pk>/edit/", views.ReferralUpdateView.as_view(), name="referral_edit"),
]
