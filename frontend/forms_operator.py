"""Form shapes of the operator console. Like frontend/forms.py they hold no business rules: the services
(billing.services, tenants.services.operator, tenants.services.templates) check those, and
`apply_domain_error` puts their field errors onto the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import FEATURE_KEYS, FEATURE_LABELS, LIMIT_KEYS, LIMIT_LABELS
from frontend.fields import IntegerField
from tenants.models import Store

THEME_LABELS = {
    "primary": _("Primary colour"),
    "accent": _("Accent colour"),
    "background": _("Page background"),
    "surface": _("Card background"),
    "text": _("Text colour"),
}
SECTION_LABELS = {
    "banner": _("Banner"),
    "category_grid": _("Category grid"),
    "hot_products": _("Hot products"),
    "new_arrivals": _("New arrivals"),
}


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StoreFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, subdomain, owner email, name or phone")}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            (Store.Status.ACTIVE, _("Active")),
            (Store.Status.SUSPENDED, _("Suspended")),
        ],
    )
    plan = forms.ChoiceField(label=_("Plan"), required=False)
    created_from = forms.DateField(label=_("Opened from"), required=False, widget=_date_input())
    created_to = forms.DateField(label=_("Opened until"), required=False, widget=_date_input())

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", _("Any plan"))] + [(p.code, p.name) for p in plans]


class ActionForm(forms.Form):
    """Suspend or reactivate a store: the reason is shown to the merchant and kept in the audit log."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,  # the service insists on one, with its own message
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SubMerchantForm(forms.Form):
    """A store's WeChat Pay sub-merchant number under the platform's service-provider account."""

    # Its fields are named payments-*: the store page's suspend form has a "reason" too.
    prefix = "payments"

    wechat_sub_mchid = forms.CharField(
        label=_("WeChat Pay sub-merchant number"),
        required=False,
        max_length=64,
        help_text=_(
            "The sub_mchid WeChat Pay gave this store when it joined as your sub-merchant. Empty removes it."
        ),
    )
    wechat_sub_appid = forms.CharField(
        label=_("Sub-merchant app id (optional)"),
        required=False,
        max_length=64,
        help_text=_("Only when the store's buyers pay in the store's own official account or mini program."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,  # the service insists on one, with its own message
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    target_type = forms.ChoiceField(label=_("Target type"), required=False)
    target_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, actions=(), target_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action"))] + [(a, a) for a in actions]
        self.fields["target_type"].choices = [("", _("Any target"))] + [(t, t) for t in target_types]


class PlanForm(forms.Form):
    """Numbers arrive as text: billing.services parses and checks them, so one set of rules speaks."""

    code = forms.CharField(
        label=_("Code"),
        max_length=30,
        help_text=_("Letters, digits, hyphens; used in links and the API. It cannot change later."),
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    tagline = forms.CharField(label=_("Tagline"), max_length=140, required=False)
    price_monthly = forms.CharField(
        label=_("Monthly price (¥)"),
        max_length=14,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    price_yearly = forms.CharField(
        label=_("Yearly price (¥)"),
        max_length=14,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    trial_days = forms.CharField(
        label=_("Trial days"),
        max_length=4,
        required=False,
        help_text=_("0 for a paid plan; 1 to 90 for a free trial."),
        widget=forms.NumberInput(attrs={"min": "0", "max": "90"}),
    )
    is_public = forms.BooleanField(label=_("Offered at signup and on the pricing page"), required=False)
    is_retired = forms.BooleanField(
        label=_("Retired: stores on it keep it, no new store can choose it"), required=False
    )
    stripe_price_id = forms.CharField(label=_("Stripe price id (monthly)"), max_length=80, required=False)
    stripe_price_id_yearly = forms.CharField(
        label=_("Stripe price id (yearly)"), max_length=80, required=False
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=1000,
        help_text=_("Kept in the audit log."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The code is chosen once; create_plan takes no reason (its entry records the new plan).
        del self.fields["reason" if creating else "code"]
        for key in LIMIT_KEYS:
            self.fields[f"limit_{key}"] = forms.CharField(
                label=LIMIT_LABELS.get(key, key),
                max_length=9,
                required=False,
                help_text=_("1 to 3 (the legal maximum).")
                if key == "distribution_levels"
                else _("Empty for unlimited."),
                widget=forms.NumberInput(attrs={"min": "0", "placeholder": "∞"}),
            )
        for key in FEATURE_KEYS:
            self.fields[f"feature_{key}"] = forms.BooleanField(
                label=FEATURE_LABELS.get(key, key), required=False
            )

    @staticmethod
    def initial_for(plan) -> dict:
        initial = {
            "name": plan.name,
            "tagline": plan.tagline,
            "price_monthly": plan.price_monthly,
            "price_yearly": plan.price_yearly,
            "trial_days": plan.trial_days,
            "is_public": plan.is_public,
            "is_retired": plan.is_retired,
            "stripe_price_id": plan.stripe_price_id,
            "stripe_price_id_yearly": plan.stripe_price_id_yearly,
        }
        for key in LIMIT_KEYS:
            value = plan.limit(key)
            initial[f"limit_{key}"] = "" if value is None else value
        for key in FEATURE_KEYS:
            initial[f"feature_{key}"] = plan.has_feature(key)
        return initial

    def limit_fields(self):
        return [self[f"limit_{key}"] for key in LIMIT_KEYS]

    def feature_fields(self):
        return [self[f"feature_{key}"] for key in FEATURE_KEYS]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("code", "reason")}


class TemplateForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Lowercase letters, digits, hyphens; merchants never see it. It cannot change later."),
    )
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    preview_image = forms.FileField(
        label=_("Preview image"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 2 MB. Without one, signup shows a drawn preview."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    remove_preview_image = forms.BooleanField(label=_("Remove the preview image"), required=False)
    theme_radius = forms.CharField(
        label=_("Corner radius"),
        max_length=8,
        help_text=_("0 to 32 pixels, e.g. 12px."),
        widget=forms.TextInput(attrs={"placeholder": "12px"}),
    )
    home_sections = forms.CharField(
        label=_("Home page sections"),
        required=False,
        max_length=4000,
        help_text=_(
            "One section per line, top to bottom: type | title. "
            "Types: banner, category_grid, hot_products, new_arrivals."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "mono"}),
    )
    is_active = forms.BooleanField(label=_("Offered at signup"), required=False)
    sort_order = IntegerField(label=_("Order"), required=False, min_value=0, max_value=1000)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=1000,
        help_text=_("Kept in the audit log."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["remove_preview_image"]
        else:
            del self.fields["code"]
        # Colour fields go before the radius, in the order the theme lists them.
        colour_fields = {
            f"theme_{key}": forms.CharField(
                label=label,
                max_length=7,
                widget=forms.TextInput(
                    attrs={"type": "color", "class": "swatch-input", "data-theme-token": key}
                ),
            )
            for key, label in THEME_LABELS.items()
        }
        self.fields = {
            **{k: v for k, v in self.fields.items() if k != "theme_radius" and not k.startswith("theme_")},
            **colour_fields,
            "theme_radius": self.fields["theme_radius"],
        }

    @staticmethod
    def initial_for(template) -> dict:
        tokens = template.theme_tokens
        return {
            "name": template.name,
            "description": template.description,
            **{f"theme_{key}": tokens.get(key, "") for key in THEME_LABELS},
            "theme_radius": tokens.get("radius", ""),
            "home_sections": sections_to_text(template.home_sections),
            "is_active": template.is_active,
            "sort_order": template.sort_order,
        }

    def colour_fields(self):
        return [self[f"theme_{key}"] for key in THEME_LABELS]

    def theme(self) -> dict:
        data = self.cleaned_data
        return {
            **{key: data.get(f"theme_{key}", "") for key in THEME_LABELS},
            "radius": data.get("theme_radius", ""),
        }

    def sections(self) -> list[dict]:
        return sections_from_text(self.cleaned_data.get("home_sections", ""))


def sections_to_text(sections) -> str:
    lines = []
    for section in sections or []:
        title = section.get("title") or ""
        lines.append(f"{section.get('type', '')} | {title}" if title else section.get("type", ""))
    return "\n".join(lines)


def sections_from_text(text: str) -> list[dict]:
    """The textarea's lines ("type | title") as section dicts; the service judges the types."""
    sections = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        kind, _sep, title = line.partition("|")
        sections.append({"type": kind.strip(), "title": title.strip()})
    return sections


class ExtendTrialForm(forms.Form):
    days = forms.CharField(
        label=_("Extend by (days)"), max_length=3, widget=forms.NumberInput(attrs={"min": "1", "max": "90"})
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class GrantPlanForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"))
    until = forms.DateField(label=_("Paid until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        from billing.models import Plan

        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(p.code, p.name) for p in Plan.objects.filter(trial_days=0)]
