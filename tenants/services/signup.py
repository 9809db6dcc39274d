"""Self-service signup: a merchant gets a ready store in tens of milliseconds."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from tenants.errors import InvalidInput
from tenants.models import Domain, Store, StoreTemplate
from tenants.selectors import TAKEN_MESSAGE, subdomain_available
from tenants.services.provisioning import take_ready_store
from tenants.signals import store_opened

User = get_user_model()


@dataclass
class SignupResult:
    store: Store
    owner: "User"
    source: str  # how the schema was obtained: "pool" or "clone"


def _validate(*, name, slug, owner_name, email, phone, password, template_code) -> StoreTemplate | None:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not name.strip():
        add("store_name", _("Give your store a name."))
    elif len(name) > 80:
        add("store_name", _("A store name has at most 80 characters."))
    available, message = subdomain_available(slug)
    if not available:
        add("subdomain", message)
    if not owner_name.strip():
        add("owner_name", _("Tell us your name."))
    try:
        validate_email(email)
    except ValidationError:
        add("email", _("Enter a valid email address."))
    if phone and not phone.replace("+", "").replace("-", "").replace(" ", "").isdigit():
        add("phone", _("Enter a valid phone number."))
    try:
        validate_password(password, user=User(email=email, name=owner_name))
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    template = StoreTemplate.objects.filter(code=template_code, is_active=True).first()
    if template is None:
        add("template", _("Choose one of the storefront templates."))
    if errors:
        raise InvalidInput(errors)
    return template


def open_store(
    *,
    store_name: str,
    subdomain: str,
    owner_name: str,
    email: str,
    password: str,
    template_code: str,
    plan_code: str,
    phone: str = "",
) -> SignupResult:
    """Validate, take a ready schema (pool claim, else clone), name it, add its domain and owner, and
    announce it. One transaction: on any failure nothing is left behind and a claimed pool schema
    returns to the pool."""
    slug = (subdomain or "").strip().lower()
    email = (email or "").strip().lower()
    template = _validate(
        name=store_name or "",
        slug=slug,
        owner_name=owner_name or "",
        email=email,
        phone=phone or "",
        password=password or "",
        template_code=template_code,
    )
    # Hashing is deliberately slow (~0.2 s); do it before the transaction that holds a pool schema.
    password_hash = make_password(password)
    connection.set_schema_to_public()
    try:
        with transaction.atomic():
            ready = take_ready_store()
            store = ready.store
            store.name = store_name.strip()
            store.slug = slug
            store.status = Store.Status.ACTIVE
            store.template = template
            store.owner_name = owner_name.strip()
            store.owner_email = email
            store.owner_phone = phone.strip()
            store.claimed_at = timezone.now()
            store.save()
            Domain.objects.create(domain=store.host, tenant=store, is_primary=True)
            with schema_context(store.schema_name):
                owner = User.objects.create(
                    email=email,
                    password=password_hash,
                    name=owner_name.strip(),
                    phone=phone.strip(),
                    role=User.Role.OWNER,
                )
                store_opened.send(sender=Store, store=store, owner=owner, plan_code=plan_code)
    except IntegrityError as exc:
        # The unique slug/domain index decides a race between two signups for one name.
        if Store.objects.filter(slug=slug).exists() or "slug" in str(exc) or "domain" in str(exc):
            raise InvalidInput({"subdomain": [TAKEN_MESSAGE()]}) from exc
        raise
    finally:
        connection.set_schema_to_public()

    from tenants import tasks  # the task module imports Celery; keep it off the import path of models

    transaction.on_commit(lambda: tasks.send_welcome_email.delay(store.pk))
    transaction.on_commit(lambda: tasks.refill_store_pool.delay())
    return SignupResult(store=store, owner=owner, source=ready.source)


def open_store_from_signup(data) -> SignupResult:
    """open_store with the cleaned fields of a signup — the web wizard's form and the signup API name
    them alike (store_name, subdomain, owner_name, email, phone, password, template, plan)."""
    return open_store(
        store_name=data["store_name"],
        subdomain=data["subdomain"],
        owner_name=data["owner_name"],
        email=data["email"],
        phone=data.get("phone", ""),
        password=data["password"],
        template_code=data["template"],
        plan_code=data["plan"],
    )
