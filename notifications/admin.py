from django.contrib import admin

from notifications.models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "state", "attempts", "partnership"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields if f.name not in ("body_text", "body_html")]
    exclude = ["body_text", "body_html"]

    def has_add_permission(self, request):
        return False
