from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("incidents/", views.IncidentListView.as_view(), name="incident_list"),
    path("incidents/new/", views.IncidentCreateView.as_view(), name="incident_create"),
    path("incidents/import/", views.incident_import, name="incident_import"),
    path("incidents/import/template.csv", views.incident_import_template, name="incident_import_template"),
    path("incidents/import/<int:pk>/", views.incident_import_job, name="incident_import_job"),
    path("incidents/import/<int:pk>/status/", views.incident_import_status, name="incident_import_status"),
    path("incidents/import/<int:pk>/confirm/", views.incident_import_confirm, name="incident_import_confirm"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/edit/", views.IncidentUpdateView.as_view(), name="incident_edit"),
    path("incidents/<int:pk>/history/", views.incident_history, name="incident_history"),
    path("incidents/<int:pk>/status/", views.incident_status, name="incident_status"),
    path("incidents/<int:pk>/responses/new/", views.response_create, name="response_create"),
    path("incidents/<int:pk>/involvements/new/", views.involvement_create, name="involvement_create"),
    path("mediations/", views.MediationListView.as_view(), name="mediation_list"),
    path("mediations/new/", views.MediationCreateView.as_view(), name="mediation_create"),
    path("mediations/<int:pk>/", views.mediation_detail, name="mediation_detail"),
    path("mediations/<int:pk>/edit/", views.MediationUpdateView.as_view(), name="mediation_edit"),
    path("mediations/<int:pk>/history/", views.mediation_history, name="mediation_history"),
]
