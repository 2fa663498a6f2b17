"""Public views of the sectors (placeholder until the public site is built)."""

from django.shortcuts import get_object_or_404, render

from sectors.models import Sector


def sector_list(request):
    return render(request, "sectors/list.html", {"sectors": Sector.objects.all()})


def sector_detail(request, slug):
    return render(request, "sectors/detail.html", {"sector": get_object_or_404(Sector, slug=slug)})
