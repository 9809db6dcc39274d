"""Forms of the buyer's order pages: the cart, checkout, paying, cancelling, after-sales and the return
parcel. They only parse (numbers and ids through frontend.fields, the shared input layer); the services
decide, and their field errors land back on these forms (frontend.forms.apply_domain_error)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from frontend.fields import IdField, IdListField, IntegerField, MoneyField
from shop.models import AfterSale
from shop.payments.registry import PROVIDER_LABELS
from shop.services.aftersales import MAX_DETAILS, AfterSaleInput
from shop.services.checkout import MAX_NOTE, CheckoutInput
from shop.services.pricing import MAX_QUANTITY
from shop.tracking.carriers import carrier_choices

QUANTITY_WIDGET = forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": MAX_QUANTITY})


def _quantity(**kwargs) -> IntegerField:
    return IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, widget=QUANTITY_WIDGET, **kwargs
    )


class YesNoField(forms.TypedChoiceField):
    """ "1" or "0" (a checkbox posts "on" too): Django's BooleanField takes "0" for yes."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("1", "1"), ("on", "on"), ("0", "0")], coerce=lambda value: value != "0", **kwargs
        )


class CartAddForm(forms.Form):
    sku = IdField(error_messages={"required": _("Choose an option of the product.")})
    quantity = _quantity()


class CartQuantityForm(forms.Form):
    quantity = _quantity()


class CartSelectForm(forms.Form):
    """Lines of the cart to tick or untick; none named means every line (the "all" box)."""

    lines = IdListField(required=False)
    selected = YesNoField()


class CartRemoveForm(forms.Form):
    lines = IdListField(error_messages={"required": _("Choose lines of your cart.")})


class CheckoutLinesForm(forms.Form):
    """What checkout is for: one SKU ("buy now", `sku` and `quantity`) or the ticked lines of the cart; and
    which of the buyer's addresses (their default when none is named)."""

    sku = IdField(required=False)
    quantity = _quantity(required=False)
    address = IdField(required=False)

    def lines(self, cart_lines: tuple) -> tuple[tuple[int, int], ...]:
        sku = self.cleaned_data.get("sku")
        if sku:
            return ((sku, self.cleaned_data.get("quantity") or 1),)
        return cart_lines

    @property
    def buy_now(self) -> bool:
        return bool(self.cleaned_data.get("sku"))


class CheckoutForm(CheckoutLinesForm):
    buyer_note = forms.CharField(
        label=_("Note to the merchant"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Optional: delivery time, gift wrap…")}),
    )
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    expected_payable = MoneyField(widget=forms.HiddenInput)

    def to_input(self, cart_lines: tuple) -> CheckoutInput:
        data = self.cleaned_data
        return CheckoutInput(
            lines=self.lines(cart_lines),
            address_id=data["address"],
            idempotency_key=data["idempotency_key"],
            buyer_note=data["buyer_note"],
            expected_payable=data["expected_payable"],
            from_cart=not self.buy_now,
        )


class PayForm(forms.Form):
    provider = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect)

    def __init__(self, *args, providers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(code, PROVIDER_LABELS[code]) for code in providers]
        if providers:
            self.fields["provider"].initial = providers[0]


CANCEL_REASONS = [
    _("I no longer want it"),
    _("Wrong address or phone number"),
    _("Ordered by mistake"),
    _("I want to change the items"),
    _("Other"),
]


class CancelOrderForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why cancel?"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The reasons in the buyer's language, which is also how the merchant reads the one chosen.
        self.fields["reason"].choices = [("", _("Choose…")), *((str(r), r) for r in CANCEL_REASONS)]


AFTER_SALE_REASONS = [
    _("I no longer need it"),
    _("Ordered the wrong item, size or colour"),
    _("Quality problem"),
    _("Not as described"),
    _("Damaged when it arrived"),
    _("Items missing from the parcel"),
    _("The parcel never arrived"),
    _("Other"),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several pictures under one name; the after-sales service checks how many and what they are."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


class AfterSaleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you need?"), choices=AfterSale.Kind.choices, widget=forms.RadioSelect
    )
    amount = MoneyField(
        label=_("Refund amount"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reason = forms.ChoiceField(label=_("Reason"))
    details = forms.CharField(
        label=_("Details (optional)"),
        max_length=MAX_DETAILS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Tell the merchant what happened")}),
    )
    photos = PhotosField(label=_("Photos (up to 6)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("Choose…")), *((str(r), r) for r in AFTER_SALE_REASONS)]

    def to_input(self, *, line_id: int) -> AfterSaleInput:
        data = self.cleaned_data
        return AfterSaleInput(
            order_line_id=line_id,
            kind=data["kind"],
            amount=data["amount"],
            reason=data["reason"],
            details=data["details"],
            photos=tuple(data["photos"]),
        )


class ReturnShipmentForm(forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"))
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = [("", _("Choose…")), *carrier_choices()]


class NotificationsForm(forms.Form):
    """Which notification was opened; none means "mark all read"."""

    notification = IdField(required=False)
