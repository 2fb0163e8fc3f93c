from django.urls import path

from incidents import response_views, views

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
    path("response-cases/", response_views.ResponseCaseListView.as_view(), name="response_case_list"),
    path("response-cases/<int:pk>/", response_views.response_case_detail, name="response_case_detail"),
    path("response-cases/<int:pk>/close/", response_views.response_case_close, name="response_case_close"),
    path("response-tasks/<int:pk>/", response_views.response_task_detail, name="response_task_detail"),
    path("response-tasks/<int:pk>/take/", response_views.response_task_take, name="response_task_take"),
    path("response-tasks/<int:pk>/assign/", response_views.response_task_assign, name="response_task_assign"),
    path("response-tasks/<int:pk>/set-aside/", response_views.response_task_set_aside, name="response_task_set_aside"),
    path("mediations/", views.MediationListView.as_view(), name="mediation_list"),
    path("mediations/new/", views.MediationCreateView.as_view(), name="mediation_create"),
    path("mediations/<int:pk>/", views.mediation_detail, name="mediation_detail"),
    path("mediations/<int:pk>/edit/", views.MediationUpdateView.as_view(), name="mediation_edit"),
    path("mediations/<int:pk>/history/", views.mediation_history, name="mediation_history"),
]
