"""A buyer's own profile: the name the store greets them by (a nickname) and an optional avatar. Their
phone number changes through buyer_auth.bind_phone (it needs a code sent to the new number)."""

from dataclasses import dataclass

from django.core.files.base import File
from django.db import transaction

from shop.services import fields
from shop.services.fields import FieldErrors
from tenants.errors import InvalidInput
from tenants.images import MB, name_for, validate_image_upload
from tenants.updates import model_update

NAME_MAX_LENGTH = 40
AVATAR_MAX_BYTES = 2 * MB
AVATAR_MAX_SIDE = 4000


@dataclass(frozen=True)
class ProfileInput:
    """None leaves the name as it is; an `avatar` file replaces the picture, `clear_avatar` removes it."""

    name: str | None = None
    avatar: object | None = None
    clear_avatar: bool = False


@transaction.atomic
def update_profile(*, buyer, data: ProfileInput):
    errors = FieldErrors()
    values: dict = {}
    if data.name is not None:
        # Through the shop's field parsers, as every write service reads text: trimmed, no control
        # characters, within the column.
        values["name"] = fields.text(data.name, "name", errors, max_length=NAME_MAX_LENGTH)
    avatar_name = ""
    if data.avatar is not None and not data.clear_avatar:
        try:
            info = validate_image_upload(
                data.avatar, max_bytes=AVATAR_MAX_BYTES, max_side=AVATAR_MAX_SIDE, field="avatar"
            )
        except InvalidInput as error:
            for key, messages in error.errors.items():
                for message in messages:
                    errors.add(key, message)
        else:
            avatar_name = name_for(getattr(data.avatar, "name", ""), info, default_stem="avatar")
    errors.raise_if_any()
    model_update(instance=buyer, fields=list(values), data=values)
    old_avatar = buyer.avatar.name if buyer.avatar else ""
    if data.clear_avatar and old_avatar:
        buyer.avatar = ""
        buyer.save(update_fields=["avatar"])
    elif avatar_name:
        buyer.avatar.save(avatar_name, File(data.avatar, name=avatar_name), save=False)
        buyer.save(update_fields=["avatar"])
    if old_avatar and old_avatar != (buyer.avatar.name if buyer.avatar else ""):
        storage = buyer.avatar.storage
        # Only once committed: a rolled-back change must not lose the old picture.
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return buyer
