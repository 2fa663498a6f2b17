"""The public page types the browser checks visit, each in English and in Korean.

One address per page type and per state a visitor can reach (a filtered list with chips, a list
with a rejected filter, an empty result, the 404 page), chosen from the Busan fixtures so that
each shows what it can show: phases on a chart, a budget, a milestone, an undated project.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PublicPage:
    """One page type: a short name for test ids, its English path and its expected status."""

    name: str
    path: str
    status: int = 200

    def path_in(self, language: str) -> str:
        """The page's path in a language: English unprefixed, Korean under /ko/."""
        return self.path if language == "en" else f"/{language}{self.path}"


PUBLIC_PAGES = [
    PublicPage("home", "/"),
    PublicPage("projects", "/projects/"),
    PublicPage("projects-filtered", "/projects/?sector=it&sector=bio-medical&year=2015"),
    PublicPage("projects-bad-filter", "/projects/?year=20x5&sector=no-such-sector"),
    PublicPage("projects-empty", "/projects/?q=zzqxw"),
    PublicPage("project-with-phases", "/projects/export-research-reactor/"),
    PublicPage("project-with-budget", "/projects/bs-financial-computer-center/"),
    PublicPage("project-undated", "/projects/world-class-footwear/"),
    PublicPage("sectors", "/sectors/"),
    PublicPage("sector", "/sectors/bio-medical/"),
    PublicPage("timeline", "/timeline/"),
    PublicPage("timeline-filtered", "/timeline/?sector=it"),
    PublicPage("data", "/data/"),
    PublicPage("privacy", "/privacy/"),
    PublicPage("accessibility", "/accessibility/"),
    PublicPage("not-found", "/projects/no-such-project/", status=404),
]
LANGUAGES = ["en", "ko"]
