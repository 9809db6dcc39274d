"""The one settings module. Everything that differs between machines comes from the environment.

Defaults are production-safe: DEBUG is off, SECRET_KEY is required, cookies are secure. The local
runner (`make run`, `make test`) sets DEBUG and a development key for you.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.media_storage import default_storage_from

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
TESTING = env_bool("FENXIAO_TESTING") or "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# The platform lives on PLATFORM_DOMAIN; every store on <slug>.PLATFORM_DOMAIN.
PLATFORM_DOMAIN = os.environ.get("PLATFORM_DOMAIN", "localhost").lower()
PLATFORM_NAME = os.environ.get("PLATFORM_NAME", "Fenxiao Cloud")
ALLOWED_HOSTS = [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}", *env_list("EXTRA_ALLOWED_HOSTS")]
# How links the product sends without a request (emails, SMS from a worker) reach the public site:
# https and the default port in production; `make run` sets http and its port (config/devstack.py).
PUBLIC_URL_SCHEME = os.environ.get("PUBLIC_URL_SCHEME", "https").strip().lower() or "https"
PUBLIC_PORT = os.environ.get("PUBLIC_PORT", "").strip()
if PUBLIC_URL_SCHEME not in {"http", "https"}:
    raise ImproperlyConfigured("PUBLIC_URL_SCHEME must be http or https.")
if PUBLIC_PORT and not (PUBLIC_PORT.isascii() and PUBLIC_PORT.isdigit() and 0 < int(PUBLIC_PORT) < 65536):
    raise ImproperlyConfigured("PUBLIC_PORT must be a port number (or empty for the scheme's default).")
if DEBUG or TESTING:
    ALLOWED_HOSTS += ["127.0.0.1", "testserver"]

# ---------------------------------------------------------------------------------------------
# Applications: decided once (moving an app between the two lists later is a migration dance).
# ---------------------------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "tenants.accounts",
    "billing",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    # SVG icons in templates ({% load heroicons %}), no emoji font needed
    "heroicons",
    "axes",
    "api",
    "frontend",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "tenants.accounts",
    "tenants.activity",
    "rest_framework.authtoken",
    "shop",
    "referral",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Store"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# New stores are cloned from this pre-migrated schema, never migrated on the spot.
TENANT_BASE_SCHEMA = "tenant_base"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_LIMIT_SET_CALLS = True
DEFAULT_NOT_FOUND_TENANT_VIEW = "frontend.views.errors.unknown_host"
# How many unclaimed, ready schemas the warm pool keeps.
STORE_POOL_SIZE = int(os.environ.get("STORE_POOL_SIZE", "3"))

MIDDLEWARE = [
    # Static files need no store: served before the host is resolved, so an unknown host's friendly
    # 404 page gets its stylesheet too.
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.StoreResolverMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # NUL and other control characters are refused here, once, in the visitor's language; a refusal
    # without a word of why gets one.
    "tenants.middleware.ControlCharactersMiddleware",
    "tenants.middleware.ExplainRefusalsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenants.middleware.StoreStatusMiddleware",
    "tenants.middleware.StoreTimeZoneMiddleware",
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.platform",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# ---------------------------------------------------------------------------------------------
# Database and cache
# ---------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fenxiao")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
if TESTING:
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_fenxiao")}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
if TESTING:
    # Tests get a Redis database of their own, flushed around every test.
    from urllib.parse import urlsplit, urlunsplit

    REDIS_URL = urlunsplit(urlsplit(REDIS_URL)._replace(path="/" + os.environ.get("TEST_REDIS_DB", "15")))
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # Per-store cache keys: the schema name is part of every key.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "fx"),
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    },
    # Platform-wide keys (host lookup, one-time tokens): the same in every schema.
    "platform": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "fx") + "-platform",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    },
}

# Sessions live in each store's own schema; the cookie is host-only (no SESSION_COOKIE_DOMAIN),
# so every store is its own site.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
# How many reverse proxies in front of the web process append to X-Forwarded-For: the caller's address
# for per-IP limits is then the one the outermost of them saw (tenants/client_ip.py). 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
X_FRAME_OPTIONS = "SAMEORIGIN"

# ---------------------------------------------------------------------------------------------
# Users and authentication
# ---------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tenants.accounts.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Wrong passwords are rate-limited per store (cache keys carry the schema) and per account+IP.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "frontend.views.errors.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LOGIN_TOKEN_MAX_AGE = 120  # seconds: the signup hand-off link from the platform to the new store

# Buyers sign in with a code sent by SMS (shop/services/buyer_auth.py). "Daily" is the last 24 hours.
SMS_CODE_TTL = int(os.environ.get("SMS_CODE_TTL", "300"))  # seconds a code is valid
SMS_CODE_MAX_ATTEMPTS = int(os.environ.get("SMS_CODE_MAX_ATTEMPTS", "5"))  # wrong tries before it is dead
SMS_CODE_RESEND_SECONDS = int(os.environ.get("SMS_CODE_RESEND_SECONDS", "60"))  # gap between two codes
SMS_CODE_DAILY_LIMIT_PER_PHONE = int(os.environ.get("SMS_CODE_DAILY_LIMIT_PER_PHONE", "10"))
SMS_CODE_DAILY_LIMIT_PER_IP = int(os.environ.get("SMS_CODE_DAILY_LIMIT_PER_IP", "30"))

# ---------------------------------------------------------------------------------------------
# Internationalisation
# ---------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
if TESTING:
    LANGUAGE_CODE = "en"  # tests read English messages; one test checks the Chinese catalogue
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------------
# Static and media files
# ---------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".data" / "media"))
if TESTING:
    MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", BASE_DIR / ".data" / "test-media"))
STORAGES = {
    # A folder per store under MEDIA_ROOT, or on an S3-compatible store when S3_BUCKET is set.
    "default": default_storage_from(os.environ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
# Media is served by Django only in development and tests; production puts a web server or an
# S3-compatible store in front of it.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG or TESTING)
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# ---------------------------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{PLATFORM_NAME} <noreply@{PLATFORM_DOMAIN}>")

# ---------------------------------------------------------------------------------------------
# Celery (tenant-aware: tenant-schemas-celery carries the schema in each message)
# ---------------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "refill-store-pool": {"task": "tenants.tasks.refill_store_pool", "schedule": 60.0},
    "purge-stale-sms-codes": {"task": "shop.tasks.purge_stale_sms_codes_everywhere", "schedule": 6 * 3600.0},
    # Unpaid orders close, delivered orders complete, stuck refunds are sent again: every minute, per store.
    "order-jobs": {"task": "shop.tasks.run_order_jobs_everywhere", "schedule": 60.0},
    # Parcels in transit: asks the tracking provider about those it has not told us of lately, in every
    # store (the sandbox's only news; for Kuaidi100, the safety net for a lost push).
    "refresh-parcel-tracking": {"task": "shop.tasks.refresh_parcel_tracking", "schedule": 30 * 60.0},
    # Trial reminders and ends, grace periods: the clock's part of billing.
    "check-subscriptions": {"task": "billing.tasks.check_subscriptions", "schedule": 3600.0},
    # Commission past its freeze days (and with no after-sales open) becomes withdrawable, in every store.
    "settle-commissions": {"task": "referral.tasks.settle_commissions_everywhere", "schedule": 15 * 60.0},
}

# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call then answers 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers, refusing control characters anywhere in a body (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "api.parsers.FormParser",
        "api.parsers.MultiPartParser",
    ],
    # Errors and the control-character rule documented for every operation (api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"signup": "30/hour", "login": "20/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{PLATFORM_NAME} API",
    "DESCRIPTION": "Platform API (plans, templates, signup) and per-store API under /api/v1/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Products, stores, orders... all have a "status": give each enum its own name.
    "ENUM_NAME_OVERRIDES": {
        "ProductStatusEnum": "shop.models.Product.Status",
        "OrderStatusEnum": "shop.models.Order.Status",
        "OrderSourceEnum": "shop.models.Order.Source",
        "CheckoutSourceEnum": "api.store.cart_serializers.CHECKOUT_SOURCES",
        "OrderEventKindEnum": "shop.models.OrderEvent.Kind",
        "AfterSaleStatusEnum": "shop.models.AfterSale.Status",
        "AfterSaleKindEnum": "shop.models.AfterSale.Kind",
        "PaymentStatusEnum": "shop.models.Payment.Status",
        "RefundStatusEnum": "shop.models.Refund.Status",
        "PaymentProviderEnum": "shop.payments.registry.PROVIDER_CODES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_text_rules",
    ],
}

# Secrets at rest (payment credentials, bank accounts): Fernet keys, comma-separated, the first encrypts.
# Required in production; derived from SECRET_KEY in development and tests (tenants/crypto.py).
FIELD_ENCRYPTION_KEYS = [k for k in os.environ.get("FIELD_ENCRYPTION_KEYS", "").split(",") if k.strip()]

# ---------------------------------------------------------------------------------------------
# Outside providers: each has a local sandbox used when no credentials are set.
# ---------------------------------------------------------------------------------------------
# Payments: each store enters its own WeChat Pay / Stripe credentials in its console (shop.PaymentSettings).
# The sandbox (a local pay page, no money moves) serves a store that has none: on in development and tests,
# off in production unless PAYMENT_SANDBOX=1 (a demo platform), so no live store ever takes a fake payment.
PAYMENT_SANDBOX = env_bool("PAYMENT_SANDBOX", DEBUG or TESTING)
# The platform as WeChat Pay service provider (服务商): stores that pay "through the platform" are its
# sub-merchants (the operator sets each store's sub_mchid). Public-key mode: the WeChat Pay public key and
# its id, no platform certificates. The two keys may be given as PEM text or as the path of a PEM file.
WECHATPAY_SP_MCHID = os.environ.get("WECHATPAY_SP_MCHID", "")
WECHATPAY_SP_APPID = os.environ.get("WECHATPAY_SP_APPID", "")
WECHATPAY_SP_APIV3_KEY = os.environ.get("WECHATPAY_SP_APIV3_KEY", "")
WECHATPAY_SP_PRIVATE_KEY = os.environ.get("WECHATPAY_SP_PRIVATE_KEY", "")
WECHATPAY_SP_CERT_SERIAL = os.environ.get("WECHATPAY_SP_CERT_SERIAL", "")
WECHATPAY_SP_PUBLIC_KEY = os.environ.get("WECHATPAY_SP_PUBLIC_KEY", "")
WECHATPAY_SP_PUBLIC_KEY_ID = os.environ.get("WECHATPAY_SP_PUBLIC_KEY_ID", "")
# Platform billing (merchants' subscriptions) with Stripe Billing: the platform's own Stripe account.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
# Without STRIPE_SECRET_KEY, subscriptions go through the billing sandbox (a local checkout and portal that
# send Stripe's events through the same webhook path). A failed renewal leaves this many days before the
# store turns read-only.
BILLING_GRACE_DAYS = int(os.environ.get("BILLING_GRACE_DAYS", "7"))
# The billing sandbox (no Stripe keys): on in development and tests, off in production unless set (a demo
# platform), so no live merchant "pays" for a plan on a pretend checkout.
BILLING_SANDBOX = env_bool("BILLING_SANDBOX", DEBUG or TESTING)
# WeChat login (web OAuth) for buyers.
WECHAT_APP_ID = os.environ.get("WECHAT_APP_ID", "")
WECHAT_APP_SECRET = os.environ.get("WECHAT_APP_SECRET", "")
# WeChat login (web OAuth, mini-program jscode2session) uses each store's own app credentials, set in its
# console (/console/settings/wechat/); this is how long a call to WeChat's API may take.
WECHAT_API_TIMEOUT = int(os.environ.get("WECHAT_API_TIMEOUT", "10"))

# Text messages (tenants/sms.py), a dotted path like EMAIL_BACKEND. The console backend logs them and
# keeps an outbox (development, tests); production sets "tenants.sms.TencentSmsBackend" (the optional
# extra sms-tencent) with the TENCENT_SMS_* keys.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "tenants.sms.ConsoleSmsBackend")
TENCENT_SMS_SECRET_ID = os.environ.get("TENCENT_SMS_SECRET_ID", "")
TENCENT_SMS_SECRET_KEY = os.environ.get("TENCENT_SMS_SECRET_KEY", "")
TENCENT_SMS_SDK_APP_ID = os.environ.get("TENCENT_SMS_SDK_APP_ID", "")
TENCENT_SMS_SIGN_NAME = os.environ.get("TENCENT_SMS_SIGN_NAME", "")
TENCENT_SMS_REGION = os.environ.get("TENCENT_SMS_REGION", "ap-guangzhou")
TENCENT_SMS_TIMEOUT = int(os.environ.get("TENCENT_SMS_TIMEOUT", "10"))
# A template id per purpose: "sign_in_code=1234567,sign_in_code.en=1234568,sign_in_code.intl=1234569".
TENCENT_SMS_TEMPLATES = dict(item.split("=", 1) for item in env_list("TENCENT_SMS_TEMPLATES") if "=" in item)
# Parcel tracking, one platform account for every store: Kuaidi100 (快递100) once its keys are set — the
# customer id and key from its console, and a salt of ours (a random string) that signs its pushes. Without
# them: the sandbox (a made-up timeline) in development and tests, and none in production unless
# TRACKING_PROVIDER=sandbox (a demo platform), so no real buyer is shown a made-up delivery.
KUAIDI100_CUSTOMER = os.environ.get("KUAIDI100_CUSTOMER", "").strip()
KUAIDI100_KEY = os.environ.get("KUAIDI100_KEY", "").strip()
KUAIDI100_SALT = os.environ.get("KUAIDI100_SALT", "").strip()
TRACKING_PROVIDER = os.environ.get("TRACKING_PROVIDER", "").strip().lower() or (
    "kuaidi100" if KUAIDI100_CUSTOMER and KUAIDI100_KEY else "sandbox" if DEBUG or TESTING else "none"
)
if TRACKING_PROVIDER not in {"kuaidi100", "sandbox", "none"}:
    raise ImproperlyConfigured("TRACKING_PROVIDER must be kuaidi100, sandbox or none.")
if TRACKING_PROVIDER == "kuaidi100" and not (KUAIDI100_CUSTOMER and KUAIDI100_KEY and KUAIDI100_SALT):
    raise ImproperlyConfigured(
        "Kuaidi100 tracking needs KUAIDI100_CUSTOMER, KUAIDI100_KEY and KUAIDI100_SALT (which signs pushes)."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # What the console SMS backend sent (the code itself only with DEBUG on).
        "tenants.sms": {"level": "INFO"},
    },
}
