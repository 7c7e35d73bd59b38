from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import LegalLiaison, LiaisonTraining, ModelVillage, PublicityDuty, PublicityEvent


@admin.register(PublicityEvent)
class PublicityEventAdmin(SimpleHistoryAdmin):
    list_display = ("date", "unit", "title", "theme", "place_kind", "audience")
    list_filter = ("theme", "place_kind")
    search_fields = ("title", "partners")


@admin.register(LegalLiaison)
class LegalLiaisonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "unit", "occupation", "active")
    exclude = ("phone",)  # personal data: shown masked on the pages, revealed only there


admin.site.register(PublicityDuty, SimpleHistoryAdmin)
admin.site.register(LiaisonTraining, SimpleHistoryAdmin)
admin.site.register(ModelVillage, SimpleHistoryAdmin)
