from django.contrib import admin

from events.models import Event, EventTheme, Invitation


class ReadOnlyAdmin(admin.ModelAdmin):
    """For looking only: changes go through the services, which notify invitees and audit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    fields = ["practitioner", "status", "source", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]
    raw_id_fields = ["practitioner"]


class EventThemeInline(admin.TabularInline):
    model = EventTheme
    extra = 0
    can_delete = False
    fields = ["theme", "shareable"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["title", "review", "starts_at", "format", "status"]
    list_filter = ["status", "format", "review__partnership"]
    search_fields = ["title", "review__reference", "review__pseudonym"]
    date_hierarchy = "starts_at"
    list_select_related = ["review"]
    raw_id_fields = ["review", "chair", "created_by"]
    readonly_fields = ["uid", "sequence", "cancelled_at", "created_by", "created_at"]
    inlines = [EventThemeInline, InvitationInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["practitioner", "event", "status", "source", "added_at"]
    list_filter = ["status", "source", "event__review__partnership"]
    search_fields = ["practitioner__full_name", "practitioner__email", "event__title"]
    list_select_related = ["practitioner", "event"]
    raw_id_fields = ["event", "practitioner", "added_by"]
    readonly_fields = ["added_at"]
    exclude = ["token_hash"]
