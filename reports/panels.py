"""What the circulation and sign-off parts add to the draft report page, each as a template context."""


def circulation_panel(review, user):
    """Context for templates/circulation/_report_panel.html."""
    from reports import circulation

    return circulation.panel_context(review, user)


def signoff_panel(review, user):
    """Context for templates/signoff/_report_panel.html."""
    from reports import signoff

    return signoff.panel_context(review, user)
