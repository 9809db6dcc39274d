"""Categories: a two-level tree (top categories and their sub-categories). Each write is one
transaction that records itself in the store's activity log."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from shop.models import Category, Product
from shop.services import fields, media
from shop.services.fields import FieldErrors
from tenants import activity
from tenants.errors import Conflict, ErrorCode, InvalidInput, NotFound
from tenants.inputs import parse_id
from tenants.updates import model_update

FIELDS = ("name", "parent", "icon", "sort_order", "is_visible")


@dataclass(frozen=True)
class CategoryInput:
    """What a category write takes, built by the console's form and the API's serializer alike.
    `image` is an uploaded picture; `clear_image` removes the current one."""

    name: str = ""
    parent: Category | int | None = None
    icon: str = ""
    sort_order: int | str = 0
    is_visible: bool = True
    image: object = None
    clear_image: bool = False

    @classmethod
    def of_category(cls, category: Category) -> "CategoryInput":
        """The category as it is (what a partial update starts from)."""
        return cls(
            name=category.name,
            parent=category.parent_id,
            icon=category.icon,
            sort_order=category.sort_order,
            is_visible=category.is_visible,
        )


def _clean(*, category_id, data: CategoryInput) -> dict:
    errors = FieldErrors()
    name = fields.text(data.name, "name", errors, max_length=40, required=True, label=_("A name"))
    icon = fields.text(data.icon, "icon", errors, max_length=16)
    parent = fields.existing(Category, data.parent, "parent", errors, _("Choose an existing top category."))
    if parent is not None:
        if parent.pk == category_id:
            errors.add("parent", _("A category cannot be inside itself."))
        elif parent.parent_id is not None:
            errors.add("parent", _("Categories have two levels: a sub-category cannot have sub-categories."))
        elif category_id and Category.objects.filter(parent_id=category_id).exists():
            errors.add("parent", _("This category has sub-categories, so it must stay a top category."))
    sort_order = fields.position(data.sort_order, "sort_order", errors)
    if name and "name" not in errors:
        clash = Category.objects.filter(name=name, parent=parent).exclude(pk=category_id)
        if clash.exists():
            errors.add("name", _("There is already a category called %(name)s here.") % {"name": name})
    errors.raise_if_any()
    return {
        "name": name,
        "parent": parent,
        "icon": icon,
        "sort_order": sort_order,
        "is_visible": bool(data.is_visible),
    }


def _locked(category: Category | int) -> Category:
    found = Category.objects.select_for_update().filter(pk=getattr(category, "pk", category)).first()
    if found is None:
        raise NotFound(_("This category no longer exists."))
    return found


@transaction.atomic
def create_category(*, actor, data: CategoryInput) -> Category:
    """Two levels only: `parent` must be a top category."""
    category = Category(**_clean(category_id=None, data=data))
    if data.image:
        media.store_picture(category, "image", data.image, errors_key="image")
    category.save()
    activity.record(
        actor=actor,
        action="category.created",
        target=category,
        changes=activity.diff({}, activity.snapshot(category, FIELDS)),
    )
    return category


@transaction.atomic
def update_category(*, actor, category: Category | int, data: CategoryInput) -> Category:
    """A category with children cannot become a child; a category cannot be its own parent."""
    category = _locked(category)
    values = _clean(category_id=category.pk, data=data)
    old_image = category.image.name if category.image else ""
    changes = model_update(instance=category, fields=FIELDS, data=values, save=False)
    if data.image:
        media.store_picture(category, "image", data.image, errors_key="image")
        changes["image"] = [old_image or None, category.image.name]
    elif data.clear_image and old_image:
        category.image = ""
        changes["image"] = [old_image, None]
    category.save()
    if old_image and old_image != (category.image.name if category.image else ""):
        media.delete_files_on_commit([old_image])
    if changes:
        activity.record(actor=actor, action="category.updated", target=category, changes=changes)
    return category


@transaction.atomic
def delete_category(*, actor, category: Category | int) -> None:
    """Refused (Conflict, with a clear message) while it has sub-categories or products."""
    category = _locked(category)
    children = Category.objects.filter(parent=category).count()
    if children:
        raise Conflict(
            _("%(name)s still has %(n)s sub-categories. Move or delete them first.")
            % {"name": category.name, "n": children},
            code=ErrorCode.CATEGORY_HAS_CHILDREN,
        )
    products = Product.objects.filter(category=category).count()
    if products:
        raise Conflict(
            _("%(name)s still holds %(n)s products. Move them to another category first.")
            % {"name": category.name, "n": products},
            code=ErrorCode.CATEGORY_HAS_PRODUCTS,
        )
    image = category.image.name if category.image else ""
    activity.record(actor=actor, action="category.deleted", target=category)
    category.delete()
    media.delete_files_on_commit([image])


def _reorder(ids: list[int], *, actor) -> None:
    categories = {c.pk: c for c in Category.objects.filter(pk__in=ids).order_by("pk").select_for_update()}
    changed = []
    for index, pk in enumerate(ids):
        if pk in categories and categories[pk].sort_order != index * 10:
            categories[pk].sort_order = index * 10
            changed.append(categories[pk])
    Category.objects.bulk_update(changed, ["sort_order"])
    if changed:
        activity.record(
            actor=actor,
            action="category.reordered",
            target_type="category",
            target_label="、".join(c.name for c in changed)[:200],
            changes={"order": [None, [c.pk for c in sorted(changed, key=lambda c: c.sort_order)]]},
        )


@transaction.atomic
def reorder_categories(*, actor, ordered_ids) -> None:
    """Set sort_order from the given order (ids of siblings)."""
    try:
        ids = [parse_id(pk, field="order") for pk in ordered_ids or ()]
    except InvalidInput:
        raise InvalidInput({"order": [_("Unknown category.")]}) from None
    _reorder(ids, actor=actor)


@transaction.atomic
def move_category(*, actor, category: Category | int, direction: str) -> None:
    """Swap a category with its previous ("up") or next ("down") sibling; at either end nothing moves."""
    if direction not in ("up", "down"):
        raise InvalidInput({"direction": [_("Move a category up or down.")]})
    category = _locked(category)
    siblings = list(
        Category.objects.filter(parent_id=category.parent_id)
        .order_by("sort_order", "id")
        .values_list("pk", flat=True)
    )
    at = siblings.index(category.pk)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(siblings):
        siblings[at], siblings[to] = siblings[to], siblings[at]
        _reorder(siblings, actor=actor)
