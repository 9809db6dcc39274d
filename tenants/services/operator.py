"""What a platform operator does to stores. Every action writes an audit entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.errors import Conflict, InvalidInput
from tenants.models import OperatorAction, Store
from tenants.signals import store_status_changed


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


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": [_("Give a reason: the merchant will see it.")]})
    return reason


@transaction.atomic
def suspend_store(*, store: Store, actor, reason: str) -> Store:
    reason = _require_reason(reason)
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
    reason = _require_reason(reason)
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
