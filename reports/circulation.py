"""Circulating a version for its factual-accuracy check."""


def panel_context(review, user):
    return {}
