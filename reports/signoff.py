"""Sign-off and publication."""


def panel_context(review, user):
    return {}
