"""What a platform operator does to stores: suspend, reactivate, set the WeChat Pay sub-merchant number.
Every action writes an audit entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.errors import Conflict, InvalidInput
from tenants.models import OperatorAction, Store, StorePaymentAccount
from tenants.signals import store_status_changed
from tenants.validators import wechat_appid_problem, wechat_mchid_problem


def record_operator_action(
    *,
    actor,
    action: str,
    target,
    reason: str = "",
    changes: dict | None = None,
    target_type: str | None = None,
) -> OperatorAction:
    return OperatorAction.objects.create(
        actor=actor,
        action=action,
        target_type=target_type or target._meta.model_name,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        reason=reason,
        changes=changes or {},
    )


def require_reason(reason: str, *, message: str = "") -> str:
    """An operator's reason for an action, trimmed; refused when empty (the audit log keeps it)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": [message or _("Give a reason: the merchant will see it.")]})
    return reason


@transaction.atomic
def suspend_store(*, store: Store, actor, reason: str) -> Store:
    reason = require_reason(reason)
    store = Store.objects.select_for_update().get(pk=store.pk)
    if store.status != Store.Status.ACTIVE:
        raise Conflict(_("Only an active store can be suspended."))
    store.status = Store.Status.SUSPENDED
    store.status_reason = reason
    store.suspended_at = timezone.now()
    store.save(update_fields=["status", "status_reason", "suspended_at"])
    record_operator_action(
        actor=actor,
        action="store.suspend",
        target=store,
        reason=reason,
        changes={"status": ["active", "suspended"]},
    )
    store_status_changed.send(sender=Store, store=store, actor=actor, reason=reason)
    return store


@transaction.atomic
def reactivate_store(*, store: Store, actor, reason: str) -> Store:
    reason = require_reason(reason)
    store = Store.objects.select_for_update().get(pk=store.pk)
    if store.status != Store.Status.SUSPENDED:
        raise Conflict(_("Only a suspended store can be reactivated."))
    store.status = Store.Status.ACTIVE
    store.status_reason = ""
    store.suspended_at = None
    store.save(update_fields=["status", "status_reason", "suspended_at"])
    record_operator_action(
        actor=actor,
        action="store.reactivate",
        target=store,
        reason=reason,
        changes={"status": ["suspended", "active"]},
    )
    store_status_changed.send(sender=Store, store=store, actor=actor, reason=reason)
    return store


@transaction.atomic
def set_wechat_sub_merchant(
    *, store: Store, actor, sub_mchid: str, sub_appid: str = "", reason: str
) -> StorePaymentAccount:
    """Give a store its WeChat Pay sub-merchant number under the platform's service-provider account (and the
    store's own app id there, if it pays in its own official account); "" takes it away. Its buyers pay
    through the platform once the merchant switches WeChat Pay on in "through the platform" mode."""
    reason = require_reason(reason)
    values = {"wechat_sub_mchid": sub_mchid, "wechat_sub_appid": sub_appid}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if not isinstance(value, str) or "\x00" in value:
            errors[name] = [_("This contains characters that are not allowed.")]
            continue
        values[name] = value = value.strip()
        problem = value and (wechat_mchid_problem if name == "wechat_sub_mchid" else wechat_appid_problem)(
            value
        )
        if problem:
            errors[name] = [problem]
    if errors:
        raise InvalidInput(errors)
    account, _created = StorePaymentAccount.objects.select_for_update().get_or_create(store=store)
    changes = {
        name: [getattr(account, name), value]
        for name, value in values.items()
        if getattr(account, name) != value
    }
    if changes:
        for name, (_before, after) in changes.items():
            setattr(account, name, after)
        account.save()
        record_operator_action(
            actor=actor,
            action="store.wechat_sub_merchant",
            target=store,
            reason=reason,
            changes=changes,
        )
    return account
