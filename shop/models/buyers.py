"""Buyers' own data in a store: the codes that sign them in by SMS, and their address book. The buyer
is the store's User with role "customer" (tenants.accounts): a buyer of one store is unknown to another."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.regions import CODE_CHOICES, province, region_text


class SmsCode(models.Model):
    """A one-time code sent by SMS to a phone number: whoever types it back holds the phone, which signs
    them in (or binds the number to an account made through WeChat). Only the newest code of a number
    counts; only its HMAC is stored.

    Rows are what the resend gap and the daily caps count, so they stay for a day after they were sent
    (shop.tasks purges older ones)."""

    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    # The requester's address, for the per-IP daily cap (None when it could not be told).
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # What the SMS provider answered with (its serial number), to trace a message that never arrived.
    message_id = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["phone", "-created_at"], name="shop_smscode_phone_recent"),
            models.Index(fields=["ip", "-created_at"], name="shop_smscode_ip_recent"),
        ]

    def __str__(self):
        return f"code for {self.phone} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class Address(models.Model):
    """An entry of a buyer's address book: who receives a parcel, where.

    Deleting one deletes the row. Orders never point at an address: placing an order copies the address
    (`snapshot()`) into the order, so a later edit or deletion never changes where a past order went, and
    a deleted address does not linger (it is the buyer's personal data)."""

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("buyer")
    )
    contact_name = models.CharField(_("recipient"), max_length=40)
    # E.164, through tenants.phones.parse_phone.
    phone = models.CharField(_("phone"), max_length=20)
    # GB/T 2260 code of the province (shop/regions.py); shipping rules are set per province code.
    province_code = models.CharField(_("province"), max_length=6, choices=CODE_CHOICES)
    city = models.CharField(_("city"), max_length=40)
    district = models.CharField(_("district"), max_length=40, blank=True)
    detail = models.CharField(_("detailed address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "-updated_at", "-id"]
        verbose_name = _("address")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer"], condition=Q(is_default=True), name="shop_address_one_default_per_buyer"
            )
        ]
        indexes = [models.Index(fields=["buyer", "-updated_at"], name="shop_address_buyer_recent")]

    def __str__(self):
        return f"{self.contact_name} · {self.region_text} {self.detail}"

    @property
    def province_name(self) -> str:
        found = province(self.province_code)
        return found.name if found else self.province_code

    @property
    def region_text(self) -> str:
        return region_text(self.province_code, self.city, self.district)

    def snapshot(self) -> dict:
        """The address as an order keeps it: plain values, with the province's code and its names in both
        languages, so the order reads the same whatever happens to this row."""
        found = province(self.province_code)
        return {
            "contact_name": self.contact_name,
            "phone": self.phone,
            "province_code": self.province_code,
            "province_name_zh": found.name_zh if found else "",
            "province_name_en": found.name_en if found else "",
            "city": self.city,
            "district": self.district,
            "detail": self.detail,
            "postal_code": self.postal_code,
        }
