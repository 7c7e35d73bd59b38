"""Admin helpers shared by the apps: records are changed through the pages, API and CLI
(which keep the procedures and the audit), so the Django admin only reads them."""

from django.contrib import admin


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
