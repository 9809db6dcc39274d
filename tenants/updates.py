"""One way to update a model from validated data (HackSoft's `model_update`): instead of each service
copying its fields by hand, it names the fields it owns and gets back what changed, ready for the
activity log."""

from collections.abc import Iterable

from django.db import models

from tenants.activity import json_value


def model_update(*, instance: models.Model, fields: Iterable[str], data: dict, save: bool = True) -> dict:
    """Set each of `fields` that `data` holds onto `instance` and save only the fields whose value changed
    (plus an auto_now "updated_at"). Returns {field: [before, after]} as log values; {} (and no query)
    when nothing changed."""
    changes: dict = {}
    for name in fields:
        if name not in data:
            continue
        field = instance._meta.get_field(name)
        before = getattr(instance, field.attname)
        value = data[name]
        setattr(instance, name, value)
        after = getattr(instance, field.attname)
        if before != after:
            changes[name] = [json_value(before), json_value(after)]
    if changes and save:
        update_fields = list(changes)
        if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    return changes
