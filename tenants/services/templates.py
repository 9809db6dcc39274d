"""What a platform operator does to storefront templates. Every change writes an audit entry."""

import re
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from tenants.errors import InvalidInput
from tenants.images import MB, validate_image_upload
from tenants.inputs import parse_int
from tenants.models import StoreTemplate
from tenants.services.operator import record_operator_action

# The home-page sections the storefront knows how to render (frontend/templates/storefront/home.html).
SECTION_TYPES = ("banner", "category_grid", "hot_products", "new_arrivals")
THEME_COLOUR_KEYS = ("primary", "accent", "background", "surface", "text")
MAX_SECTIONS = 12
MAX_SECTION_TITLE = 60
MAX_PREVIEW_BYTES = 2 * MB
MAX_PREVIEW_SIDE = 4000

COLOUR_RE = re.compile(r"^#[0-9a-f]{6}$")
RADIUS_RE = re.compile(r"^([0-9]{1,2})(px)?$")
CODE_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


def _clean_theme(theme: dict, errors: dict) -> dict:
    cleaned = {}
    for key in THEME_COLOUR_KEYS:
        value = str(theme.get(key) or "").strip().lower()
        if not COLOUR_RE.match(value):
            errors[f"theme_{key}"] = [_("Enter a colour as #rrggbb, e.g. #1aa35a.")]
        cleaned[key] = value
    radius = str(theme.get("radius") or "").strip().lower()
    match = RADIUS_RE.match(radius)
    if not match or int(match.group(1)) > 32:
        errors["theme_radius"] = [_("Enter a corner radius from 0 to 32 pixels, e.g. 12px.")]
    else:
        cleaned["radius"] = f"{int(match.group(1))}px"
    return cleaned


def _clean_sections(sections: list, errors: dict) -> list[dict]:
    cleaned = []
    problems = []
    for position, section in enumerate(sections or [], start=1):
        kind = str(section.get("type") or "").strip().lower()
        title = str(section.get("title") or "").strip()
        if kind not in SECTION_TYPES:
            problems.append(
                _("Section %(line)s: “%(type)s” is not a section type. Use one of: %(types)s.")
                % {"line": position, "type": kind or "—", "types": ", ".join(SECTION_TYPES)}
            )
            continue
        if len(title) > MAX_SECTION_TITLE:
            problems.append(
                _("Section %(line)s: a section title has at most %(max)s characters.")
                % {"line": position, "max": MAX_SECTION_TITLE}
            )
            continue
        cleaned.append({"type": kind, "title": title})
    if not problems and not cleaned:
        problems.append(_("A home page needs at least one section."))
    if len(cleaned) > MAX_SECTIONS:
        problems.append(_("A home page has at most %(max)s sections.") % {"max": MAX_SECTIONS})
    if problems:
        errors["home_sections"] = problems
    return cleaned


def _check_preview_image(upload, errors: dict) -> str | None:
    """The file extension for a real, small enough picture; records the field error otherwise."""
    try:
        info = validate_image_upload(
            upload, max_bytes=MAX_PREVIEW_BYTES, max_side=MAX_PREVIEW_SIDE, field="preview_image"
        )
    except InvalidInput as error:
        errors.update(error.errors)
        return None
    return info.extension


def _clean_common(
    *, name: str, description: str, theme: dict, home_sections: list, sort_order, preview_image, errors
) -> dict:
    cleaned = {"name": (name or "").strip(), "description": (description or "").strip()}
    if not cleaned["name"]:
        errors["name"] = [_("A template needs a name.")]
    elif len(cleaned["name"]) > 80:
        errors["name"] = [_("A name has at most 80 characters.")]
    try:
        cleaned["sort_order"] = parse_int(sort_order or 0, field="sort_order", minimum=0, maximum=1000)
    except InvalidInput:
        errors["sort_order"] = [_("Order is a whole number from 0 to 1000.")]
    cleaned["theme"] = _clean_theme(theme or {}, errors)
    cleaned["home_sections"] = _clean_sections(home_sections, errors)
    cleaned["preview_extension"] = _check_preview_image(preview_image, errors) if preview_image else None
    return cleaned


def _attach_preview(template: StoreTemplate, upload, extension: str) -> None:
    # A fresh name every time: browsers and CDNs never show a stale preview.
    template.preview_image.save(f"{template.code}-{uuid.uuid4().hex[:10]}.{extension}", upload, save=False)


def _snapshot(template: StoreTemplate) -> dict:
    return {
        "name": template.name,
        "description": template.description,
        "theme": template.theme_tokens if template.pk else {},
        "home_sections": template.home_sections,
        "is_active": template.is_active,
        "sort_order": template.sort_order,
        "preview_image": template.preview_image.name or "",
    }


@transaction.atomic
def create_template(
    *,
    actor,
    code: str,
    name: str,
    description: str = "",
    theme: dict,
    home_sections: list,
    is_active: bool = True,
    sort_order: int = 0,
    preview_image=None,
    reason: str = "",
) -> StoreTemplate:
    errors: dict[str, list[str]] = {}
    code = (code or "").strip().lower()
    if not CODE_RE.match(code):
        errors["code"] = [_("A code of 1 to 40 lowercase letters, digits or hyphens, e.g. fresh-green.")]
    elif StoreTemplate.objects.filter(code=code).exists():
        errors["code"] = [_("A template with this code exists.")]
    cleaned = _clean_common(
        name=name,
        description=description,
        theme=theme,
        home_sections=home_sections,
        sort_order=sort_order,
        preview_image=preview_image,
        errors=errors,
    )
    if errors:
        raise InvalidInput(errors)
    extension = cleaned.pop("preview_extension")
    template = StoreTemplate(code=code, is_active=bool(is_active), **cleaned)
    if preview_image:
        _attach_preview(template, preview_image, extension)
    template.save()
    record_operator_action(
        actor=actor,
        action="template.create",
        target=template,
        target_type="template",
        reason=(reason or "").strip(),
        # The same [before, after] shape as an update, so the audit log reads the same way.
        changes={key: [None, value] for key, value in {"code": code, **_snapshot(template)}.items()},
    )
    return template


@transaction.atomic
def update_template(
    *,
    template: StoreTemplate,
    actor,
    name: str,
    description: str = "",
    theme: dict,
    home_sections: list,
    is_active: bool,
    sort_order: int = 0,
    preview_image=None,
    remove_preview_image: bool = False,
    reason: str = "",
) -> StoreTemplate:
    template = StoreTemplate.objects.select_for_update().get(pk=template.pk)
    errors: dict[str, list[str]] = {}
    cleaned = _clean_common(
        name=name,
        description=description,
        theme=theme,
        home_sections=home_sections,
        sort_order=sort_order,
        preview_image=preview_image,
        errors=errors,
    )
    if template.is_active and not is_active:
        others_offered = StoreTemplate.objects.filter(is_active=True).exclude(pk=template.pk).exists()
        if not others_offered:
            errors["is_active"] = [_("Signup needs at least one template: offer another one first.")]
    if errors:
        raise InvalidInput(errors)
    before = _snapshot(template)
    extension = cleaned.pop("preview_extension")
    # Tokens the form does not edit (the font, say) are kept.
    cleaned["theme"] = {**(template.theme or {}), **cleaned["theme"]}
    for key, value in cleaned.items():
        setattr(template, key, value)
    template.is_active = bool(is_active)
    old_image = template.preview_image.name if (preview_image or remove_preview_image) else ""
    if preview_image:
        _attach_preview(template, preview_image, extension)
    elif remove_preview_image:
        template.preview_image = ""
    template.save()
    if old_image:
        # Delete the replaced file only once the new row is committed.
        storage = template.preview_image.storage
        transaction.on_commit(lambda: storage.delete(old_image))
    after = _snapshot(template)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    record_operator_action(
        actor=actor,
        action="template.update",
        target=template,
        target_type="template",
        reason=(reason or "").strip(),
        changes=changes,
    )
    return template
