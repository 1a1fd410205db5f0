from django.contrib import admin

from practitioners.models import Agency, Practitioner


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "agency_type", "partnership", "lead_name"]
    list_filter = ["agency_type", "partnership"]
    list_select_related = ["partnership"]
    search_fields = ["name", "lead_name", "lead_email"]
    readonly_fields = ["created_at"]


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["full_name", "job_title", "agency", "partnership"]
    list_filter = ["partnership"]
    list_select_related = ["agency", "partnership"]
    search_fields = ["full_name", "email", "job_title", "agency__name"]
    raw_id_fields = ["agency", "added_by"]
    readonly_fields = ["created_at"]
