"""What a merchant changes about their own store from the console."""

import zoneinfo
from functools import lru_cache

from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tenants import activity
from tenants.errors import ErrorCode, InvalidInput, NotAllowed
from tenants.images import MB, name_for, validate_image_upload
from tenants.models import Store, StoreTemplate
from tenants.updates import model_update

STORE_NAME_MAX_LENGTH = 80
LOGO_MAX_BYTES = 2 * MB
LOGO_MAX_SIDE = 4000


def require_writable(store: Store) -> None:
    """Refuse any change while the store is suspended or its plan lapsed."""
    if store.is_suspended:
        raise NotAllowed(
            _("This store is suspended: %(reason)s") % {"reason": store.status_reason},
            code=ErrorCode.STORE_SUSPENDED,
        )
    if store.billing_lock:
        raise NotAllowed(store.read_only_message, code=ErrorCode.STORE_READ_ONLY)


def selectable_templates(store: Store):
    """The storefront templates this store may switch to: those the platform offers, plus the one the
    store already uses even if the platform stopped offering it."""
    return StoreTemplate.objects.filter(Q(is_active=True) | Q(pk=store.template_id)).order_by(
        "sort_order", "id"
    )


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """The time zones a store may choose: the IANA zones (Area/City) and UTC, sorted."""
    return tuple(sorted(name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC"))


@transaction.atomic
def update_store_settings(
    *,
    store: Store,
    actor,
    name: str,
    template_code: str,
    logo=None,
    clear_logo: bool = False,
    time_zone: str | None = None,
) -> Store:
    """Rename the store, switch its storefront template, replace or remove its logo, and set the time zone
    its pages show times in (None leaves it as it is; times are stored in UTC whatever it is).

    Saving the store drops its cached host entry (tenants/receivers.py), so the storefront shows the new
    name, template and logo on the very next request."""
    # The request's store comes from the host cache; decide on the row as it is now, and hold it.
    store = Store.objects.select_for_update().get(pk=store.pk)
    require_writable(store)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give your store a name.")]
    elif len(name) > STORE_NAME_MAX_LENGTH:
        errors["name"] = [_("A store name has at most %(n)s characters.") % {"n": STORE_NAME_MAX_LENGTH}]
    template = selectable_templates(store).filter(code=(template_code or "").strip()).first()
    if template is None:
        errors["template"] = [_("Choose one of the storefront templates.")]
    logo_name = None
    if logo is not None and not clear_logo:
        try:
            info = validate_image_upload(logo, max_bytes=LOGO_MAX_BYTES, max_side=LOGO_MAX_SIDE, field="logo")
        except InvalidInput as error:
            errors.update(error.errors)
        else:
            logo_name = name_for(getattr(logo, "name", ""), info, default_stem="logo")
    if time_zone is not None:
        time_zone = time_zone.strip()
        if time_zone not in time_zone_names():
            errors["time_zone"] = [_("Choose a time zone from the list.")]
    if errors:
        raise InvalidInput(errors)

    old_logo = store.logo.name if store.logo else ""
    values = {"name": name, "template": template}
    if time_zone is not None:
        values["time_zone"] = time_zone
    changes = model_update(instance=store, fields=["name", "template", "time_zone"], data=values, save=False)
    if clear_logo:
        store.logo = ""
    elif logo_name:
        store.logo.save(logo_name, File(logo, name=logo_name), save=False)
    if old_logo != (store.logo.name or ""):
        changes["logo"] = [old_logo or None, store.logo.name or None]
    store.save(update_fields=["name", "template", "logo", "time_zone"])
    if changes:
        # The store's own log (this runs in its schema): the merchant's record of who changed what.
        activity.record(actor=actor, action="store.settings_updated", target=store, changes=changes)
    if old_logo and old_logo != store.logo.name:
        storage = store.logo.storage
        # Only once the new state is committed: a rolled-back change must not lose the old picture.
        transaction.on_commit(lambda: storage.delete(old_logo))
    return store


def set_billing_lock(*, store: Store, lock: str) -> bool:
    """Billing's verdict on the store ("" when its plan is in good standing, else a BillingLock): saved only
    when it changes (which drops the cached host lookup, so the next request sees it). True if changed."""
    if store.billing_lock == lock:
        return False
    store.billing_lock = lock
    store.save(update_fields=["billing_lock"])
    return True
