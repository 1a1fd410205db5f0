from django.contrib import admin

from events.models import Event, Invitation


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["practitioner", "status", "source", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]
    raw_id_fields = ["practitioner"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "review", "starts_at", "format", "status"]
    list_filter = ["status", "format", "review__partnership"]
    search_fields = ["title", "review__reference", "review__pseudonym"]
    date_hierarchy = "starts_at"
    list_select_related = ["review"]
    raw_id_fields = ["review", "chair", "created_by"]
    readonly_fields = ["uid", "sequence", "cancelled_at", "created_by", "created_at"]
    filter_horizontal = ["learning_themes"]
    inlines = [InvitationInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "event", "status", "source", "added_at"]
    list_filter = ["status", "source", "event__review__partnership"]
    search_fields = ["practitioner__full_name", "practitioner__email", "event__title"]
    list_select_related = ["practitioner", "event"]
    raw_id_fields = ["event", "practitioner", "added_by"]
    readonly_fields = ["added_at"]
