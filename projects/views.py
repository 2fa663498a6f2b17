"""Public views of the portfolio (placeholder until the public site is built)."""

from django.shortcuts import get_object_or_404, render

from projects.models import Project


def home(request):
    projects = Project.objects.published().for_listing()
    return render(request, "projects/home.html", {"projects": projects})


def project_list(request):
    return home(request)


def project_detail(request, slug):
    project = get_object_or_404(Project.objects.published().for_detail(), slug=slug)
    return render(request, "projects/detail.html", {"project": project})
