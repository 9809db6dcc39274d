"""A buyer's address book. Every function acts on the buyer's own addresses only: another buyer's address
is "not found", whatever its id.

While the book is not empty exactly one address is the default (a partial unique index guarantees
there is never more than one): the first address becomes it, making another address the default moves
it, and deleting the default passes it to the most recently changed address left. An address stops
being the default only when another becomes it.

Deleting an address deletes the row: orders copy the address when they are placed (Address.snapshot),
so nothing refers to it afterwards."""

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from shop.models import Address
from shop.regions import province
from shop.selectors.buyers import buyer_address
from tenants import locks
from tenants.errors import Conflict, InvalidInput
from tenants.phones import parse_phone
from tenants.updates import model_update

MAX_ADDRESSES = 20
FIELDS = ("contact_name", "phone", "province_code", "city", "district", "detail", "postal_code")
_LENGTHS = {"contact_name": 40, "city": 40, "district": 40, "detail": 200}
_POSTAL_CODE_RE = re.compile(r"[0-9A-Za-z -]{3,10}")


@dataclass(frozen=True)
class AddressInput:
    contact_name: str
    phone: str
    province_code: str
    city: str
    district: str
    detail: str
    postal_code: str = ""
    # True makes the address the default; False leaves the default where it is.
    is_default: bool = False


def _validated(data: AddressInput) -> dict:
    errors: dict[str, list[str]] = {}
    values = {name: (getattr(data, name) or "").strip() for name in FIELDS}
    required = {
        "contact_name": _("Enter the recipient's name."),
        "city": _("Enter the city."),
        "detail": _("Enter the street, building and room."),
    }
    for name, message in required.items():
        if not values[name]:
            errors[name] = [message]
    for name, length in _LENGTHS.items():
        if len(values[name]) > length:
            errors[name] = [_("At most %(n)s characters.") % {"n": length}]
    try:
        values["phone"] = parse_phone(values["phone"], field="phone")
    except InvalidInput as error:
        errors.update(error.errors)
    if province(values["province_code"]) is None:
        errors["province_code"] = [_("Choose a province or region from the list.")]
    if values["postal_code"] and not _POSTAL_CODE_RE.fullmatch(values["postal_code"]):
        errors["postal_code"] = [_("Enter a postal code such as 200000, or leave it empty.")]
    if errors:
        raise InvalidInput(errors)
    return values


def _hold_book(buyer) -> None:
    """Serialise changes to one buyer's book: the count limit and the one default are decided on it."""
    locks.hold(f"address-book:{buyer.pk}")


def _make_default(buyer, address: Address) -> None:
    Address.objects.filter(buyer=buyer, is_default=True).exclude(pk=address.pk).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def add_address(*, buyer, data: AddressInput) -> Address:
    values = _validated(data)
    _hold_book(buyer)
    count = Address.objects.filter(buyer=buyer).count()
    if count >= MAX_ADDRESSES:
        raise Conflict(
            _("Your address book is full (%(n)s addresses). Delete one you no longer use.")
            % {"n": MAX_ADDRESSES}
        )
    address = Address.objects.create(buyer=buyer, **values)
    if data.is_default or count == 0:
        _make_default(buyer, address)
    return address


@transaction.atomic
def update_address(*, buyer, address_id: int, data: AddressInput) -> Address:
    values = _validated(data)
    _hold_book(buyer)
    address = buyer_address(buyer, address_id)
    model_update(instance=address, fields=FIELDS, data=values)
    if data.is_default:
        _make_default(buyer, address)
    return address


@transaction.atomic
def set_default_address(*, buyer, address_id: int) -> Address:
    _hold_book(buyer)
    address = buyer_address(buyer, address_id)
    _make_default(buyer, address)
    return address


@transaction.atomic
def delete_address(*, buyer, address_id: int) -> None:
    _hold_book(buyer)
    address = buyer_address(buyer, address_id)
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = Address.objects.filter(buyer=buyer).order_by("-updated_at", "-id").first()
        if successor is not None:
            _make_default(buyer, successor)
