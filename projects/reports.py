"""Readers report an error on a project page; officials resolve the reports in the admin.

The form lives on its own page, ``/projects/<slug>/report/``, linked from the project page,
rather than on the project page itself. Project pages are served from the page cache to every
anonymous reader (busanportal/cache.py): a form embedded there would carry one reader's CSRF
token to all of them, or force the page out of the cache. The report page is small, marked
``never_cache`` and renders its own token, so CSRF protection works unchanged (Django's
standard middleware, no exemption) and the project pages stay cached.

Defences, each with a clear message and a 4xx, never a 500:

* CSRF (Django's middleware; its failure page is the site's ``403_csrf.html``);
* a honeypot field that people never see and bots fill in: such a post is answered as if it
  had been received (so a bot learns nothing) and is not stored;
* a rate limit per client address (``PROBLEM_REPORTS_PER_HOUR``, counted in the default cache,
  shared by every worker in production); when the cache is down the limit fails open, so a
  reader's report is not lost because of it;
* length limits and Django's own validation of the e-mail address; control characters are
  removed from the description.
"""

import logging
import re

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from busanportal.http import accepts_methods
from busanportal.middleware import client_ip
from projects.models import PROBLEM_DESCRIPTION_MAX_LENGTH, ProblemReport, Project

logger = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 3600
# Line breaks and tabs stay: a reader may write several lines.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def reports_per_hour() -> int:
    return settings.PROBLEM_REPORTS_PER_HOUR


class ProblemReportForm(forms.ModelForm):
    """What is wrong (required), an optional e-mail address, and the honeypot."""

    # Named like a field a bot would fill; hidden from people by CSS and from assistive
    # technology by aria-hidden on its wrapper (see the template).
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = ProblemReport
        fields = ["description", "email"]
        labels = {"description": _("What is wrong?"), "email": _("Your e-mail address")}
        help_texts = {
            "description": format_lazy(
                _(
                    "Say which sentence or figure is wrong and, if you can, where the correct "
                    "fact is published. At most {count} characters."
                ),
                count=PROBLEM_DESCRIPTION_MAX_LENGTH,
            ),
            "email": _(
                "Optional: only if you want an answer. Officials see it; it is never published."
            ),
        }
        error_messages = {
            "description": {
                "required": _("Describe what is wrong on the page."),
                "max_length": _(
                    "Please keep the description to %(limit_value)d characters "
                    "(it has %(show_value)d)."
                ),
            },
            "email": {"invalid": _("Enter an e-mail address like name@example.com, or none.")},
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def clean_description(self):
        text = _CONTROL.sub("", self.cleaned_data["description"]).strip()
        if not text:
            raise forms.ValidationError(_("Describe what is wrong on the page."), code="required")
        return text

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def over_rate_limit(request) -> bool:
    """Count this report against the client's address; True when it is over the hourly limit.
    A cache failure lets the report through (fail open) and is logged."""
    key = f"problem-reports:{client_ip(request) or 'unknown'}"
    try:
        cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
        count = cache.incr(key)
    except Exception:
        logger.warning("Rate-limit cache unreachable; problem report accepted", exc_info=True)
        return False
    return count > reports_per_hour()


@accepts_methods("GET", "HEAD", "POST")  # this view opts in to POST; public views are GET-only
@never_cache
def report_problem(request, slug):
    """The report form for one published project (GET), and its submission (POST)."""
    project = get_object_or_404(Project.objects.published(), slug=slug)
    if request.GET.get("sent") == "1" and request.method == "GET":
        return render(request, "projects/report_sent.html", {"project": project})
    status = 200
    form = ProblemReportForm(request.POST or None)
    if request.method == "POST":
        if over_rate_limit(request):
            form.add_error(
                None,
                _(
                    "You have sent %(count)s reports in the last hour, the most we accept from "
                    "one address. Please try again in an hour."
                )
                % {"count": reports_per_hour()},
            )
            status = 429
        elif form.is_valid():
            if not form.is_bot:
                report = form.save(commit=False)
                report.project = project
                report.save()
            return redirect(f"{request.path}?sent=1")
        else:
            status = 400
    return render(
        request, "projects/report.html", {"project": project, "form": form}, status=status
    )
