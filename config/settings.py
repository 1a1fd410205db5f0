"""Convene settings: one file, every value read from the environment.

The defaults run the demo on SQLite with nothing else installed. `CONVENE_PROFILE=production`
turns on the deployment rules (secure cookies, HSTS, a required secret key and host list).
Every variable is listed in `.env.example` and `docs/configuration.md`.
"""

from pathlib import Path
from urllib.parse import urlparse

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from config.env import ConfigurationError, EnvReader

BASE_DIR = Path(__file__).resolve().parent.parent
env = EnvReader()

PROFILE = env.choice("CONVENE_PROFILE", ("development", "production"), default="development")
PRODUCTION = PROFILE == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.secret("SECRET_KEY", min_length=50)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", required=True)
else:
    SECRET_KEY = env.str("SECRET_KEY", default="development-only-key-never-used-in-production-0123456789")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# How many reverse proxies stand in front of the app (0: clients connect directly).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Where the demo keeps its database, broker folders and uploaded files.
VAR_DIR = env.path("CONVENE_VAR_DIR", default=BASE_DIR / "var")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "django_htmx",
    # Convene's own apps, from the foundation up (docs/architecture.md): each imports only those before it.
    "core",
    "notifications",
    "partnerships",
    "reviews",
    "practitioners",
    "submissions",
    "events",
    "reports",
    "actions",
    "overview",
]
# The demo seed and `rundemo`: development only.
if not PRODUCTION:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.RefusalLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "partnerships.middleware.SingleSignOnSessionMiddleware",
    "core.middleware.RequireMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "overview.context_processors.layout",
            ],
            # One way of writing dates, times and counts, in every template without a {% load %}.
            "builtins": ["core.templatetags.convene"],
        },
    },
]

DATABASES = {
    "default": env.database("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'convene.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server and worker share one SQLite file: wait for locks rather than fail.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.url("REDIS_URL", default="", schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that has gone silent costs each request a second, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # A database cache is shared by the demo's processes, and its add() is atomic, so rate
    # limits hold across them (`manage.py createcachetable` makes its table).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "convene_cache",
        }
    }

# Busy pages keep parts of their HTML in the cache against change stamps (core/stamps.py). The
# release names the code those parts were laid out by (a deployment may set it to its commit); the
# check makes every kept part afresh and fails on a difference (the tests turn it on).
CONVENE_RELEASE = env.str("CONVENE_RELEASE", default="")
CHANGE_STAMPS_CHECK = env.bool("CHANGE_STAMPS_CHECK", default=False)

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "overview:home"

# django-allauth: email only, no usernames, no public sign-up, MFA for everyone.
ACCOUNT_ADAPTER = "partnerships.adapters.StaffAccountAdapter"
ACCOUNT_FORMS = {
    name: f"partnerships.account_forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "reauthenticate": "ReauthenticateForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "change_password": "ChangePasswordForm",
    }.items()
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
MFA_ADAPTER = "partnerships.adapters.StaffMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff addresses are entered by a business manager and proved by the set-password link.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Convene")
# Accept the code from the 30 seconds before or after too: people type as the code changes.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
# A TOTP code is refused once its time step, or a later one, has been used (partnerships/mfa_forms.py).
MFA_FORMS = {
    "authenticate": "partnerships.mfa_forms.AuthenticateForm",
    "reauthenticate": "partnerships.mfa_forms.ReauthenticateForm",
    "activate_totp": "partnerships.mfa_forms.ActivateTOTPForm",
}
# Single sign-on through each partnership's OpenID providers (partnerships/sso.py): the apps come from
# the providers a business manager configures; allauth's OpenID Connect provider does the protocol,
# with PKCE, and Convene also checks every ID token's signature (partnerships/oidc).
SOCIALACCOUNT_ADAPTER = "partnerships.sso.StaffSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "partnerships.oidc.provider.ConveneOpenIDConnectProvider",
        "OAUTH_PKCE_ENABLED": True,
    }
}
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# Changing email addresses, the password, the authenticator or the recovery codes needs the password
# or a code typed in the last five minutes.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60

# Sessions end after 30 minutes idle and 12 hours in all; a warning shows before the idle end.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_WARNING_BEFORE = env.int("SESSION_WARNING_BEFORE", default=5 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# In development whitenoise serves straight from the finders; production serves collected files.
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles") if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "uploads")
# Uploaded files: the file system under MEDIA_ROOT, or an S3-compatible bucket for several machines.
# Files are only ever read through views that check access, so objects stay private: no public
# ACL and no signed URLs.
STORAGE_BACKEND = env.choice("STORAGE_BACKEND", ("filesystem", "s3"), default="filesystem")
if STORAGE_BACKEND == "s3":
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Unset: boto3 finds credentials itself (an instance role, its own config files).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "addressing_style": env.choice("AWS_S3_ADDRESSING_STYLE", ("auto", "path", "virtual"), default="auto"),
            "location": env.str("AWS_LOCATION", default=""),
            "default_acl": None,
            "querystring_auth": False,
            # Like the file system: a name already taken gets a new one rather than being overwritten.
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: every message is written to the outbox first and sent by a Celery worker.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "notifications.backends.OutboxOnlyBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="convene@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
MESSAGE_ID_DOMAIN = urlparse(SITE_URL).hostname or "convene.localhost"
# The demo mailbox shows every email, links included, to anyone: development only.
DEMO_MAILBOX = env.bool("DEMO_MAILBOX", default=not PRODUCTION)
if PRODUCTION and DEMO_MAILBOX:
    raise ConfigurationError("DEMO_MAILBOX must be off in production: it shows every email to anyone")

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport, which needs no
# server and still runs a real worker process.
BROKER_DIR = VAR_DIR / "broker"
# With Redis: how long an idle worker's wait for a task lasts before it asks again (kombu's polling
# interval, the timeout of its BRPOP). A task that arrives meanwhile is taken at once; a queue a
# running worker is told to take from (`celery control add_consumer`) joins at its next ask. It is
# also the most that a command waiting for workers' replies (`celery inspect`) pauses between looks.
# A whole number goes to Redis as one (a fraction of a second needs Redis 6 or newer).
BROKER_POLL_SECONDS = env.float("BROKER_POLL_SECONDS", default=1.0)
if not BROKER_POLL_SECONDS > 0:
    raise ConfigurationError(f"BROKER_POLL_SECONDS must be more than 0, not {env.str('BROKER_POLL_SECONDS')!r}")
if BROKER_POLL_SECONDS.is_integer():
    BROKER_POLL_SECONDS = int(BROKER_POLL_SECONDS)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "polling_interval": BROKER_POLL_SECONDS}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
# Keep a worker's database connection between tasks (Celery closes it after each one otherwise).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=15)
# A worker sending an email holds it under a lease it renews every third of this; once the lease
# runs out (the worker died), the next outbox sweep puts the email back in the queue.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=30)
# A worker's task claims up to this many due emails and sends them over one SMTP connection; it
# takes no new one after OUTBOX_BATCH_SECONDS, handing the rest to the next task.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)
OUTBOX_BATCH_SECONDS = env.int("OUTBOX_BATCH_SECONDS", default=20)
if OUTBOX_LEASE_SECONDS < 3:
    raise ConfigurationError(f"OUTBOX_LEASE_SECONDS must be at least 3, not {OUTBOX_LEASE_SECONDS}")
REMINDER_SWEEP_SECONDS = env.int("REMINDER_SWEEP_SECONDS", default=600)
# Each app's periodic work, from its tasks.py.
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": OUTBOX_SWEEP_SECONDS},
    "remind-invitees": {"task": "events.tasks.send_reminders", "schedule": REMINDER_SWEEP_SECONDS},
    "remind-agencies": {"task": "practitioners.tasks.send_nomination_reminders", "schedule": REMINDER_SWEEP_SECONDS},
    "remind-checkers": {"task": "reports.tasks.send_check_reminders", "schedule": REMINDER_SWEEP_SECONDS},
    "remind-account-writers": {"task": "submissions.tasks.send_account_reminders", "schedule": REMINDER_SWEEP_SECONDS},
    "remind-action-owners": {"task": "actions.tasks.send_overdue_reminders", "schedule": REMINDER_SWEEP_SECONDS},
    "delete-signed-off-notes": {"task": "events.tasks.delete_signed_off_notes", "schedule": crontab(hour=2, minute=15)},
    "tell-agencies-after-events": {
        "task": "events.tasks.tell_agencies_after_events",
        "schedule": crontab(hour=9, minute=5),
    },
    "apply-retention": {"task": "reviews.tasks.apply_retention", "schedule": crontab(hour=2, minute=45)},
    "send-reply-digests": {"task": "events.tasks.send_reply_digests", "schedule": crontab(hour=7, minute=30)},
}

# Security headers: on in every profile; the transport rules only where HTTPS is certain.
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin": no Referer ever leaves the site. "no-referrer" would also blank the Origin of
# the site's own form posts, and Django's CSRF check would then refuse every one of them.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers probe the health check over plain HTTP, straight to gunicorn.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_tokens": {"()": "core.logging.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Django's own request and server loggers name the path; send them through the redacting handler.
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Fernet keys for data encrypted at rest, newest first (comma-separated). Required in production.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", required=PRODUCTION, default=[])
