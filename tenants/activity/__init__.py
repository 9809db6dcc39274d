"""The store's activity log. Services write to it with `record(...)` inside their own transaction, so a
change and its record commit or roll back together."""

import datetime
import uuid
from decimal import Decimal

from django.db.models import Model
from django.utils.functional import Promise

MAX_VALUE_LENGTH = 500

# Labels of the actions, registered by each app when it loads (so tenants knows no store app's words).
_ACTION_LABELS: dict[str, Promise | str] = {}
_TARGET_LABELS: dict[str, Promise | str] = {}


def register_labels(*, actions: dict | None = None, targets: dict | None = None) -> None:
    _ACTION_LABELS.update(actions or {})
    _TARGET_LABELS.update(targets or {})


def action_label(action: str) -> str:
    return str(_ACTION_LABELS.get(action, action))


def target_label(target_type: str) -> str:
    return str(_TARGET_LABELS.get(target_type, target_type))


def action_choices() -> list[tuple[str, str]]:
    return sorted(((key, str(label)) for key, label in _ACTION_LABELS.items()), key=lambda c: c[1])


def target_choices() -> list[tuple[str, str]]:
    return sorted(((key, str(label)) for key, label in _TARGET_LABELS.items()), key=lambda c: c[1])


def json_value(value):
    """A value as the log stores it: JSON types only (money as "12.50", times in ISO 8601, objects as
    their id), long text cut."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Promise):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
        return value[:MAX_VALUE_LENGTH] + "…"
    return value


def snapshot(instance: Model, fields) -> dict:
    """The named fields of an instance as log values (a foreign key by its id)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = json_value(getattr(instance, field.attname))
    return values


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value changed."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def record(
    *,
    actor,
    action: str,
    target: Model | None = None,
    target_type: str = "",
    target_id="",
    target_label: str = "",
    changes: dict | None = None,
    note: str = "",
):
    """Append one entry. `target` fills the type (its model name), id and label (its str()); a target
    that is not a model instance (a bulk action, the store's settings) names them explicitly. `actor`
    None means the system did it."""
    from tenants.activity.models import ActivityEntry

    if target is not None:
        target_type = target_type or target._meta.model_name
        target_id = target_id or target.pk
        target_label = target_label or str(target)
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    label = (getattr(actor, "name", "") or getattr(actor, "email", "") or "") if is_user else ""
    return ActivityEntry.objects.create(
        actor=actor if is_user else None,
        actor_label=label[:120],
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:64] if target_id not in (None, "") else "",
        target_label=str(target_label)[:200],
        changes=json_value(changes or {}),
        note=(note or "")[:2000],
    )
