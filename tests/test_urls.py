"""The URLconfs: each app's under its own prefix and namespace, and no include depends on its order."""

import re

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.exceptions import Resolver404

from config import urls as root

# Sample values for each kind of path parameter, to make a real address of every pattern.
SAMPLES = {"int": "7", "slug": "northvale", "str": "sample-token", "path": "a/b"}
OWN = ("core", "notifications", "partnerships", "reviews", "practitioners", "events", "reports", "actions", "overview")


def leaves(patterns, prefix="", namespace=None):
    """(full route, namespace, name, view's module) for every pattern below `patterns`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from leaves(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern.name, pattern.lookup_str


def sample(route):
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda match: SAMPLES[match[1] or "str"], route)


def own_leaves():
    # Under allauth's URLconf the names and addresses are allauth's, even where Convene serves the view
    # (partnerships.oidc serves allauth's OpenID Connect login and callback with the signature always checked).
    return [
        leaf
        for leaf in leaves(get_resolver().url_patterns)
        if leaf[3].startswith(OWN) and not leaf[0].startswith("accounts/")
    ]


def test_every_app_url_is_named_in_a_namespace_except_the_sites_own():
    unnamespaced = {name for _, namespace, name, _ in own_leaves() if namespace is None}
    assert unnamespaced == {"healthz"}


def test_no_include_depends_on_its_order():
    """Every address is matched by exactly one entry of config/urls.py: none hides another."""
    clashes = []
    for route, _, name, _ in own_leaves():
        path = sample(route).lstrip("/")
        matched = []
        for entry in root.urlpatterns:
            try:
                if entry.resolve(path):
                    matched.append(str(entry.pattern))
            except Resolver404:
                pass
        if len(matched) != 1:
            clashes.append((name, path, matched))
    assert clashes == []


def test_each_include_has_a_namespace_and_the_app_that_owns_its_views():
    for entry in root.urlpatterns:
        if isinstance(entry, URLResolver) and entry.namespace not in (None, "admin"):
            modules = {leaf[3].split(".")[0] for leaf in leaves(entry.url_patterns)}
            assert len(modules - {"core"}) == 1, (entry.namespace, modules)
