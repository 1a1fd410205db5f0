"""The product's URLs plus one page used only by bench_pages.py: the base layout and nothing else."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns
from core.access import partnership_for


@login_required
def layout_only(request, slug):
    """The partnership's navigation and the base layout, as every staff page has them, and no content."""
    partnership = partnership_for(request, slug)
    return render(request, "base.html", {"partnership": partnership})


urlpatterns = [
    path("bench/p/<slug:slug>/layout/", layout_only, name="bench_layout_only"),
    *product_urlpatterns,
]
