from core.models import AuditEntry


def client_ip(request):
    """The address the request came from (REMOTE_ADDR; the proxy sets it, see docs/deployment.md)."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(action, *, request=None, actor=None, partnership=None, obj=None, **detail):
    """Append one entry to the audit log. Pass facts only: never a token or a document's text."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=(actor.email if actor is not None else detail.pop("actor_label", "")),
        partnership=partnership,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
        ip_address=client_ip(request),
    )
