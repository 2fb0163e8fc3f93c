from django.urls import path

from incidents import conflict_views, response_views, views

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
    path("response-tasks/", response_views.response_task_list, name="response_task_list"),
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

urlpatterns += [
    path("groups/", conflict_views.GroupListView.as_view(), name="group_list"),
    path("groups/new/", conflict_views.GroupCreateView.as_view(), name="group_create"),
    path("groups/associations/expiring/", conflict_views.association_expiring, name="association_expiring"),
    path("groups/<int:pk>/", conflict_views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", conflict_views.GroupUpdateView.as_view(), name="group_edit"),
    path("groups/<int:pk>/network/", conflict_views.group_network, name="group_network"),
    path(
        "groups/<int:pk>/associations/new/",
        conflict_views.association_create_for_group,
        name="association_create_for_group",
    ),
    path("associations/<int:pk>/confirm/", conflict_views.association_confirm, name="association_confirm"),
    path("associations/<int:pk>/end/", conflict_views.association_end, name="association_end"),
    path("clients/<int:pk>/network/", conflict_views.client_network, name="client_network"),
    path("clients/<int:pk>/groups/new/", conflict_views.association_create_for_client, name="association_create"),
    path("conflicts/", conflict_views.ConflictListView.as_view(), name="conflict_list"),
    path("conflicts/new/", conflict_views.ConflictCreateView.as_view(), name="conflict_create"),
    path("conflicts/<int:pk>/", conflict_views.conflict_detail, name="conflict_detail"),
    path("conflicts/<int:pk>/edit/", conflict_views.ConflictUpdateView.as_view(), name="conflict_edit"),
    path("conflicts/<int:pk>/status/", conflict_views.conflict_status, name="conflict_status"),
    path("conflicts/<int:pk>/parties/new/", conflict_views.party_add, name="conflict_party_add"),
    path(
        "conflicts/<int:pk>/parties/<int:party_pk>/remove/",
        conflict_views.party_remove,
        name="conflict_party_remove",
    ),
    path("conflicts/<int:pk>/incidents/new/", conflict_views.conflict_link_incident, name="conflict_incident_link"),
    path(
        "conflicts/<int:pk>/incidents/<int:link_pk>/remove/",
        conflict_views.conflict_unlink_incident,
        name="conflict_incident_unlink",
    ),
]
