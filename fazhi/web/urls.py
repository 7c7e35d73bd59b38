from django.urls import path

from . import system_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("switch/", views.switch, name="switch"),
    path("system/units/", views.units, name="units"),
    path("system/units/<int:pk>/history/", views.unit_history, name="unit_history"),
    path("system/calendar/", views.calendar, name="calendar"),
    path("system/users/", system_views.users, name="users"),
    path("system/users/<int:pk>/action/", system_views.user_action, name="user_action"),
    path("system/roles/", system_views.roles, name="roles"),
    path("system/roles/<int:pk>/revoke/", system_views.role_revoke, name="role_revoke"),
    path("system/audit/", system_views.audit_log, name="audit"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("my/", views.my_work, name="my_work"),
    path("my/notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("system/documents/", views.document_templates, name="document_templates"),
    path(
        "system/documents/<str:key>/default.docx",
        views.document_template_default,
        name="document_template_default",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path(
        "attachments/upload/<int:ct>/<str:object_id>/",
        views.attachment_upload,
        name="attachment_upload",
    ),
]
