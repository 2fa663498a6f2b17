"""Settings for the Busan Strategic Projects Portal.

Everything that differs between a laptop and production is read from the environment, and
every such setting fails closed: debug is off unless asked for, and a production process
without a secret key refuses to start.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable; anything but a clear "yes" counts as no."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list without blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    # Development only: a fresh random key per process, never a constant in the code.
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name hosts; '*' is not allowed.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Full-text and trigram lookups for the q search on PostgreSQL (projects/search.py).
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "import_export",
    "concurrency",  # optimistic locking: a stale form is refused (projects/concurrency.py)
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "sectors",
    "projects",
]

MIDDLEWARE = [
    # Outermost, so that it sees every response, including those of the middleware below.
    "busanportal.middleware.SecurityHeadersMiddleware",
    # Next, so that it sees the error pages Django renders itself (404, the bad-host 400).
    "busanportal.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before any middleware that can answer by itself, so that CORS preflights are answered.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside whitenoise (which serves precompressed static files itself), outside the page cache
    # (which stores plain bodies; each answer is compressed on the way out). busanportal/http.py
    "busanportal.http.CompressionMiddleware",
    # Before the page cache, so that a cached English home page never answers a Korean browser:
    # "/" redirects by the language cookie or Accept-Language (busanportal/language.py).
    "busanportal.language.PreferredLanguageMiddleware",
    # A hit skips everything below: the session and the locale included, which a cached
    # anonymous page does not need (the key's language is the one its address names). They
    # were most of what a hit cost beyond a static file (benchmarks/README.md, issue 19).
    "busanportal.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Signed-in sessions end after 30 minutes idle or 12 hours in all (below).
    "busanportal.sessions.SessionExpiryMiddleware",
    # Django's LocaleMiddleware, minus a Vary: Accept-Language that never applies here.
    "busanportal.middleware.PathLanguageMiddleware",
    # The admin follows the official's language cookie or browser (busanportal/locale.py).
    "busanportal.locale.NegotiatedLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check: a POST to a page without a form is a 405, not a 403.
    "busanportal.http.AllowedMethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "busanportal.middleware.DatabaseUnavailableMiddleware",
    # django-axes asks to be last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "busanportal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "busanportal.context_processors.language_links",
                "busanportal.context_processors.site_identity",
                "busanportal.context_processors.search_engine_hints",
            ],
            # {% capture %}: the page title and description, written once, used by <title>,
            # the description and the Open Graph tags.
            "libraries": {"site": "busanportal.templatetags"},
        },
    },
]

WSGI_APPLICATION = "busanportal.wsgi.application"

DATABASES = {
    # An empty DATABASE_URL counts as unset, like any other variable here.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database must give a quick 503, not a request hanging on connect().
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "3")
    )
    # The typo-tolerant search corrects a word to the dictionary's words within a trigram word
    # similarity of 0.5 (projects.search): "radation" is 0.58 from "radiation", below
    # pg_trgm's default of 0.6.
    # No JIT compilation: the pages' statements run in milliseconds, and at 100,000 projects
    # PostgreSQL's cost estimate of a search switched it on and spent 41 ms compiling a
    # statement that ran in 200 (issue 19).
    DATABASES["default"]["OPTIONS"].setdefault(
        "options",
        "-c pg_trgm.word_similarity_threshold="
        + os.environ.get("DJANGO_SEARCH_SIMILARITY", "0.5")
        + " -c jit=off",
    )

# Optional PostgreSQL read replica (busanportal/routers.py): anonymous public reads go there,
# writes, the admin and signed-in officials stay on the primary. Unset: one database, as before.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.config(
        env="DATABASE_REPLICA_URL",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    # A replica that does not answer is skipped for the primary (busanportal/routers.py): give up
    # on it sooner than on the primary, which has no stand-in.
    DATABASES["replica"]["OPTIONS"]["connect_timeout"] = int(
        os.environ.get("DJANGO_REPLICA_CONNECT_TIMEOUT", "1")
    )
    # Tests use the primary's test database through this alias; no second one is created.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["busanportal.routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "busanportal.routers.ReplicaReadsMiddleware",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Paths outside i18n_patterns whose language is negotiated (cookie, then Accept-Language) rather
# than fixed to LANGUAGE_CODE: the admin speaks Korean to a Korean browser.
LANGUAGE_NEGOTIATED_PATHS = ["/admin/"]
# The reader's explicit choice (the language switch, Django's set_language) is kept a year;
# only "/" reads it (busanportal/language.py). Not needed by scripts, never sent cross-site.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production; plain storage keeps tests and debug simple.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("DJANGO_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# Local memory by default; Redis (Django's built-in backend) when REDIS_URL is set.
CACHES = {
    "default": (
        {
            # Django's Redis backend with a circuit breaker (busanportal/redis_cache.py).
            "BACKEND": "busanportal.redis_cache.CircuitBreakingRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # An unreachable or slow Redis must cost a moment, never hang a request (redis-py
            # waits forever by default). A healthy Redis next to the app answers in a
            # millisecond; after one timeout the breaker skips Redis for a few seconds, so a
            # request never waits out more than one timeout (docs/deployment.md, fault suite).
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("DJANGO_REDIS_TIMEOUT", "0.5")),
                "socket_timeout": float(os.environ.get("DJANGO_REDIS_TIMEOUT", "0.5")),
                "CIRCUIT_OPEN_SECONDS": float(os.environ.get("DJANGO_REDIS_RETRY_SECONDS", "2")),
            },
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "busanportal"}
    )
}

# Anonymous public pages are cached (busanportal/cache.py) until the portfolio changes, at most
# this many seconds; 0 switches the page cache off. Local memory is per process: with several
# workers, set REDIS_URL so that an edit reaches every worker at once (docs/deployment.md).
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
# s-maxage for a CDN in front (0: the CDN revalidates every request, which costs a 304).
PAGE_CACHE_CDN_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_CDN_SECONDS", "0"))
# Set per deployment (e.g. the commit): a shared cache then never serves the previous code's pages.
PAGE_CACHE_RELEASE = os.environ.get("DJANGO_RELEASE", "")
# The URL namespaces whose GET pages the middleware caches: the public HTML site and its feeds
# (a feed reader polls; rendering an Atom feed cost 11 ms a request, a cached answer 0.2 ms).
PAGE_CACHE_NAMESPACES = ("projects", "sectors", "feeds")
# The API's namespace, cached by the same middleware before DRF runs, with Accept in the key and
# the API's rate limit counted in the same round trip (busanportal/cache.py).
PAGE_CACHE_API_NAMESPACES = ("api",)
# Larger bodies are not worth the memory (a local-memory cache lives in every worker).
PAGE_CACHE_MAX_BYTES = 1_000_000
# With a read replica, a page rendered this soon after a change may have read the replica before
# the change reached it: the page cache keeps such pages only this long (above the replica's
# lag). Without a replica: 0, no such limit.
PAGE_CACHE_REPLICA_LAG_SECONDS = (
    int(os.environ.get("DJANGO_REPLICA_LAG_SECONDS", "5")) if "replica" in DATABASES else 0
)

# Errors go to stderr as one JSON object per line (busanportal/jsonlog.py), which log shippers
# parse without guessing; a developer with debug on reads plain lines instead.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "busanportal.jsonlog.JsonLinesFormatter"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain" if DEBUG else "json"}
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Security and production -------------------------------------------------------------
# `python manage.py check --deploy --fail-level WARNING` passes with debug off (`make
# check-deploy`). Everything below is on unless debug is on or the environment switches it off.

# HTTPS. Behind a proxy that terminates TLS and forwards plain HTTP, either keep the redirect and
# set DJANGO_SECURE_PROXY_SSL_HEADER=1 (the proxy MUST then set X-Forwarded-Proto itself and drop
# any copy sent by the client), or let the proxy redirect and set DJANGO_SECURE_SSL_REDIRECT=0.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe the health check over plain HTTP on the backend's own address.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preload only takes effect once the domain is submitted to hstspreload.org; the header marks
# consent. Set DJANGO_SECURE_HSTS_PRELOAD=0 if subdomains cannot all serve HTTPS.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies: HTTPS-only outside debug, invisible to scripts, not sent on cross-site sub-requests.
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True  # nothing on the site reads the token from JavaScript
CSRF_COOKIE_SAMESITE = "Lax"
# The __Host- prefix makes the browser refuse these cookies unless they are Secure, for the whole
# site and for this host only (no Domain), so that a subdomain cannot plant or overwrite them.
# Browsers accept it only over HTTPS (and on localhost), hence only with Secure cookies.
if env_bool("DJANGO_COOKIE_HOST_PREFIX", SESSION_COOKIE_SECURE):
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Admin sessions end after DJANGO_SESSION_IDLE_SECONDS without a request (30 minutes) and after
# DJANGO_SESSION_MAX_SECONDS in all (12 hours), however active (busanportal/sessions.py).
SESSION_IDLE_SECONDS = int(os.environ.get("DJANGO_SESSION_IDLE_SECONDS", "1800"))
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_MAX_SECONDS", "43200"))

# e.g. https://portal.busan.go.kr when the proxy rewrites the Host header.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Content-Security-Policy (django-csp 4 format) on every response. No inline script or style
# anywhere: CSS lives in static/css/, JavaScript in static/js/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Admin sign-in protection (django-axes): five failures for one username from one address lock
# that pair out for an hour; a success resets the count. See README "Security and operations"
# for lifting a lockout (`manage.py axes_reset_username <name>`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first, so a locked-out pair never reaches a check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "busanportal.views.axes_lockout"
# Keep every failed attempt (Axes › Access failures in the admin), not only the running count.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# How many proxies in front of the app append to X-Forwarded-For; 0 (no proxy) ignores the header,
# which a client can otherwise forge to dodge the lockout.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "busanportal.middleware.client_ip"

# --- Public API (Django REST framework, drf-spectacular) ----------------------------------
# Read-only and anonymous: no authentication (so no CSRF or session), JSON only. The rate limit
# is far above what a journalist paging through the data reaches; it stops runaway scripts.
# Readers' error reports (projects/reports.py) accepted per client address and hour; counted in
# the default cache, and let through when the cache is down.
PROBLEM_REPORTS_PER_HOUR = int(os.environ.get("DJANGO_PROBLEM_REPORTS_PER_HOUR", "5"))

# Counters live in the default cache (Redis in production, shared by every worker).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # One counter per address and hour, cached answers included; fails open: with the cache down
    # the API answers, unthrottled (busanportal/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["busanportal.throttling.FailOpenAnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("DJANGO_API_ANON_RATE", "2000/hour")},
    # The same proxy count as the admin lockout, so both see the same client address.
    "NUM_PROXIES": int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0")),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Busan Strategic Projects API",
    "DESCRIPTION": (
        "Read-only data of Busan Metropolitan City's plan “Future Strategic Industry and New "
        "Growth Industry”: its projects, sectors and programs. /api/projects/ takes the same "
        "query parameters as the /projects/ page and the CSV export (/projects/export.csv). "
        "Amounts are integers of Korean won; years are integers, or null where the source "
        "document states none. No key is needed; each address may make a generous number of "
        "requests an hour (2,000 by default) before answers turn to 429. Licence: Korea Open "
        "Government License Type 1 (attribution); see /data/ for the data dictionary and how "
        "to cite."
    ),
    "VERSION": "1.0.0",
    "LICENSE": {
        "name": "Korea Open Government License (KOGL) Type 1: attribution",
        "url": "https://www.kogl.or.kr/info/licenseTypeEn.do",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "TAGS": [
        {"name": "projects", "description": "Published projects, filtered like /projects/."},
        {"name": "sectors", "description": "The industries of the plan, with project counts."},
        {"name": "programs", "description": "The plan's programs and their strategic goals."},
    ],
}
# CORS: any origin may read the API (newsroom notebooks); nothing else is cross-origin.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
# A script on another origin can read how long to wait after a 429 only if the header is exposed.
CORS_EXPOSE_HEADERS = ["Retry-After"]

# Where generated downloads are kept (the SQLite offline copy and its Datasette metadata); the
# files are rebuilt here whenever the content changes. Writable by the application.
PORTAL_DATA_DIR = Path(os.environ.get("DJANGO_DATA_DIR") or BASE_DIR / "var" / "data")

# --- The site's owner, shown in the footer and on the privacy and accessibility pages ------
# Nothing is invented: an unset variable leaves its line out of the footer.
SITE_DEPARTMENT = {
    "en": os.environ.get("DJANGO_SITE_DEPARTMENT_EN", "").strip(),
    "ko": os.environ.get("DJANGO_SITE_DEPARTMENT_KO", "").strip(),
}
SITE_CONTACT_EMAIL = os.environ.get("DJANGO_SITE_CONTACT_EMAIL", "").strip()
SITE_CONTACT_PHONE = os.environ.get("DJANGO_SITE_CONTACT_PHONE", "").strip()
# Days the sign-in records (django-axes) and server access logs are kept; the privacy policy
# states this figure, and docs/deployment.md schedules the deletion.
PRIVACY_RETENTION_DAYS = int(os.environ.get("DJANGO_PRIVACY_RETENTION_DAYS", "90"))

# The portal's one source document; every imported project points to it.
PORTAL_SOURCE_DOCUMENT_SLUG = "busan-future-strategic-industry"

# E-mail (the admin's password reset). With debug on, messages are printed on the console; in
# production they go out through the SMTP server named by the environment.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10  # seconds: a dead mail server must not hold a worker
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# `python manage.py loaddata busan` finds fixtures/busan.json.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The facet counts of a project list page share this time budget: a facet that cannot finish
# within what is left of it is shown without counts (busanportal/deadline.py; 0: no limit).
PORTAL_FACET_TIME_BUDGET_MS = int(os.environ.get("DJANGO_FACET_TIME_BUDGET_MS", "100"))

# The full, unfiltered exports are files, rebuilt when the portfolio has changed
# (projects/export_files.py, `manage.py build_exports`) and served with a Content-Length.
PORTAL_EXPORT_DIR = Path(os.environ.get("DJANGO_EXPORT_DIR") or BASE_DIR / "var" / "exports")
# A filtered export that finds its file stale after a change starts one `build_exports` process
# in the background (niced), so that the exports after it are copied from the current file.
PORTAL_EXPORT_BUILD_IN_BACKGROUND = os.environ.get("DJANGO_EXPORT_BUILD_IN_BACKGROUND", "1") == "1"
