"""Small pieces of plain English shared by messages."""


def people(count):
    """ "1 person", "3 people"."""
    return "1 person" if count == 1 else f"{count} people"


def people_have(count):
    """ "1 person has", "3 people have"."""
    return f"{people(count)} {'has' if count == 1 else 'have'}"
