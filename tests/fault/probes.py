"""What the fault suite asks the site for, and how it sums up the answers.

Every kind of public URL (each route, in both languages where it has two), the API, the exports
and the admin (signed in and not). ``fresh`` adds a query-string value no cached page has, so
that the request reaches a view and the database instead of the page cache.
"""

from collections import Counter

from tests.fault.services import Answer, fetch_all

PAGES = [
    "/",
    "/projects/",
    "/projects/?sector=it&year=2016",
    "/projects/?q=port&sort=-start",
    "/projects/offshore-wind-farm/",
    "/sectors/",
    "/sectors/it/",
    "/timeline/",
    "/timeline/?sector=bio-medical",
    "/data/",
    "/ko/",
    "/ko/projects/",
    "/ko/projects/offshore-wind-farm/",
    "/ko/sectors/green-energy/",
    "/ko/timeline/",
    "/ko/data/",
    "/feeds/projects/",
    "/feeds/sectors/it/",
]
API = [
    "/api/projects/",
    "/api/projects/?sector=robotics",
    "/api/projects/offshore-wind-farm/",
    "/api/sectors/",
    "/api/programs/",
    "/api/schema/",
]
EXPORTS = ["/projects/export.csv", "/projects/export.csv?sector=it", "/projects/export.json"]
ADMIN_SIGNED_IN = ["/admin/", "/admin/projects/project/", "/admin/projects/project/?q=port"]
ADMIN_ANONYMOUS = ["/admin/login/"]


def with_fresh(path: str, fresh: str | None) -> str:
    if fresh is None:
        return path
    return f"{path}{'&' if '?' in path else '?'}_={fresh}"


def probe(site, fresh: str | None = None, parallel: int = 2) -> dict[str, list[Answer]]:
    """Ask for everything once; answers by group."""
    return {
        "pages": fetch_all(site.url, [with_fresh(p, fresh) for p in PAGES], parallel=parallel),
        "api": fetch_all(site.url, [with_fresh(p, fresh) for p in API], parallel=parallel),
        "exports": fetch_all(site.url, [with_fresh(p, fresh) for p in EXPORTS], parallel=parallel),
        "admin": fetch_all(site.url, ADMIN_SIGNED_IN, site.official, parallel=parallel)
        + fetch_all(site.url, ADMIN_ANONYMOUS, parallel=parallel),
    }


def merge(*probes: dict) -> dict[str, list[Answer]]:
    merged: dict[str, list[Answer]] = {}
    for answers in probes:
        for group, items in answers.items():
            merged.setdefault(group, []).extend(items)
    return merged


def status_summary(answers: dict[str, list[Answer]]) -> dict[str, str]:
    """e.g. {"pages": "200×18", "admin": "503×3 200×1"}; 0 stands for no HTTP answer."""
    return {
        group: " ".join(
            f"{code}×{n}" for code, n in sorted(Counter(a.status for a in items).items())
        )
        for group, items in answers.items()
    }


def slowest(answers: dict[str, list[Answer]]) -> Answer:
    return max((a for items in answers.values() for a in items), key=lambda a: a.seconds)


def everything(answers: dict[str, list[Answer]]) -> list[Answer]:
    return [a for items in answers.values() for a in items]


def assert_never_broken(answers: dict[str, list[Answer]], limit: float = 2.5):
    """The rules every fault keeps: an HTTP answer, never a 500, a 503 says when to come back,
    and nothing takes 2.5 s."""
    for answer in everything(answers):
        assert answer.status != 0, f"no answer: {answer.url}"
        assert answer.status < 500 or answer.status == 503, (answer.status, answer.url)
        if answer.status == 503:
            assert answer.headers.get("Retry-After") == "30", answer.url
        assert answer.seconds < limit, (answer.seconds, answer.url)
