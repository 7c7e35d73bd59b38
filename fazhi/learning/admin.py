from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attendance, Cadre, ExamResult, LearningSettings, StudySession


@admin.register(StudySession)
class StudySessionAdmin(SimpleHistoryAdmin):
    list_display = ("date", "unit", "kind", "topic", "hours", "leadership_group")
    list_filter = ("kind", "leadership_group")
    search_fields = ("topic", "laws", "lecturer")


@admin.register(Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    list_display = ("name", "post", "unit", "in_leadership_group", "active")
    search_fields = ("name", "post")


admin.site.register(Attendance, SimpleHistoryAdmin)
admin.site.register(ExamResult, SimpleHistoryAdmin)
admin.site.register(LearningSettings, SimpleHistoryAdmin)
