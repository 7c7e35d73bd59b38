from django.contrib import admin

from .models import DisputeCategory, HotlineCategory


@admin.register(DisputeCategory)
class DisputeCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "active")
    list_editable = ("order", "active")


@admin.register(HotlineCategory)
class HotlineCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "deadline_days", "order")
    list_editable = ("deadline_days", "order")
