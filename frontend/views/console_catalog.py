"""The console's catalogue pages (/console/products/, categories, brands, stock, import/export,
notifications, shop settings). Each view parses input, calls one shop service and renders the result;
the rules live in shop/services. Everyone on the staff may look; only catalogue editors may change."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from frontend.forms import apply_domain_error, error_text
from frontend.forms_catalog import (
    BrandForm,
    BulkActionForm,
    CategoryForm,
    ImportForm,
    ProductEditor,
    ProductForm,
    ShopSettingsForm,
    StockAdjustForm,
)
from frontend.views.access import forbidden, role_required, safe_next, staff_required
from shop.models import Brand, Category, Product, ShopSettings
from shop.permissions import can_edit_catalog
from shop.selectors import console as selectors
from shop.selectors.console import ProductFilters
from shop.services import (
    brands,
    categories,
    importing,
    inventory,
    media,
    notifications,
    products,
)
from shop.services.product_bulk import apply_bulk_action
from shop.services.shop_settings import update_shop_settings
from tenants.errors import Conflict, DomainError, ErrorCode
from tenants.inputs import id_or_none

PAGE_SIZE = 20
MOVEMENTS_PAGE_SIZE = 30


_LOOK_ONLY = gettext_lazy("Your role can look at the catalogue but not change it.")
_BACK = gettext_lazy("Back to the products")
# staff_required, and refuse (403, nothing changed) staff whose role may only look.
catalog_editor_required = role_required(
    can_edit_catalog, _LOOK_ONLY, back="catalog:products", back_label=_BACK
)


def _forbidden(request):
    return forbidden(request, str(_LOOK_ONLY), back="catalog:products", back_label=str(_BACK))


def _product_or_404(pk) -> Product:
    try:
        return selectors.product_for_edit(pk=pk)
    except DomainError as error:
        raise Http404(error.message) from error


# --- products: list and bulk actions -------------------------------------------------------------------


@staff_required
def product_list(request):
    filters = ProductFilters.parse(request.GET)
    page = Paginator(filters.products(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "statuses": Product.Status.choices,
        "sorts": selectors.CONSOLE_SORTS,
        "category_choices": selectors.category_choices(),
        "brands": Brand.objects.all(),
        "bulk_form": BulkActionForm(category_choices=selectors.category_choices()),
        "can_edit": can_edit_catalog(request.user),
    }
    if request.htmx and request.htmx.target == "product-results":
        return render(request, "console/catalog/_product_results.html", context)
    return render(request, "console/catalog/products.html", context)


@require_POST
@catalog_editor_required
def product_bulk(request):
    back = safe_next(request, reverse("catalog:products"))
    form = BulkActionForm(request.POST, category_choices=selectors.category_choices())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        result = apply_bulk_action(
            actor=request.user,
            action=form.cleaned_data["action"],
            product_ids=form.cleaned_data["ids"],
            category=form.cleaned_data["category"],
        )
    except DomainError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _bulk_done(result.action, result.changed))
    return redirect(back)


def _bulk_done(action: str, n: int) -> str:
    texts = {
        "on_sale": ngettext("%(n)s product put on sale.", "%(n)s products put on sale.", n),
        "off_sale": ngettext("%(n)s product taken off sale.", "%(n)s products taken off sale.", n),
        "draft": ngettext("%(n)s product moved back to draft.", "%(n)s products moved back to draft.", n),
        "move_category": ngettext("%(n)s product moved.", "%(n)s products moved.", n),
        "delete": ngettext("%(n)s product deleted.", "%(n)s products deleted.", n),
    }
    return texts[action] % {"n": n}


# --- products: the editor ------------------------------------------------------------------------------


def _product_form(data=None, files=None, *, initial=None) -> ProductForm:
    return ProductForm(
        data,
        files,
        initial=initial,
        category_choices=selectors.category_choices(),
        brands=Brand.objects.all(),
    )


def _render_editor(request, editor: ProductEditor, product: Product | None, *, status=200):
    can_edit = can_edit_catalog(request.user)
    context = {
        "editor": editor,
        "form": editor.form,
        "product": product,
        "can_edit": can_edit,
        "max_images": media.MAX_IMAGES_PER_PRODUCT,
        # Browsers cannot refill file inputs: say so when a refused submit carried files.
        "files_dropped": request.method == "POST" and bool(request.FILES),
    }
    return render(request, "console/catalog/product_form.html", context, status=status)


def _save_product(request, editor: ProductEditor, product: Product | None, skus: list[dict]) -> Product:
    """One submit of the editor: fields, SKU matrix, status, new pictures and the video, saved all or
    nothing by one service."""
    data = editor.form.cleaned_data
    return products.save_product(
        store=request.tenant,
        actor=request.user,
        data=editor.product_input(skus),
        product=product,
        expected_version=(data["version"] or 0) if product is not None else None,
        new_images=data["images"],
        video_file=data["video_file"],
        clear_video=data["clear_video"],
    )


def _editor_post(request, product: Product | None):
    form = _product_form(request.POST, request.FILES)
    editor = ProductEditor.from_post(form, request.POST)
    if "refresh_matrix" in request.POST:
        return _render_editor(request, editor, product)
    skus = editor.skus()
    if form.is_valid() and skus is not None:
        try:
            saved = _save_product(request, editor, product, skus)
        except Conflict as error:
            if error.code != ErrorCode.STALE_VERSION:
                editor.apply(error)
                return _render_editor(request, editor, product, status=409)
            editor.conflict = error.message
            return _render_editor(request, editor, product, status=409)
        except DomainError as error:
            editor.apply(error)
        else:
            if product is None:
                messages.success(request, _("%(title)s was created.") % {"title": saved.title})
            else:
                messages.success(request, _("Your changes to %(title)s were saved.") % {"title": saved.title})
            return redirect("catalog:product_edit", pk=saved.pk)
    return _render_editor(request, editor, product, status=400)


@require_http_methods(["GET", "POST"])
@catalog_editor_required
def product_create(request):
    if request.method == "POST":
        return _editor_post(request, None)
    editor = ProductEditor.blank(_product_form(initial={"status": Product.Status.DRAFT}))
    return _render_editor(request, editor, None)


@require_http_methods(["GET", "POST"])
@staff_required
def product_edit(request, pk):
    product = _product_or_404(pk)
    if request.method == "POST":
        if not can_edit_catalog(request.user):
            return _forbidden(request)
        return _editor_post(request, product)
    form = _product_form(initial=ProductForm.initial_for(product))
    return _render_editor(request, ProductEditor.from_product(form, product), product)


@staff_required
def product_detail(request, pk):
    return redirect("catalog:product_edit", pk=pk)


@require_POST
@catalog_editor_required
def product_matrix(request):
    """The SKU matrix for the specs as typed so far (HTMX), keeping every value already entered."""
    editor = ProductEditor.from_post(_product_form(request.POST), request.POST)
    return render(request, "console/catalog/_sku_matrix.html", {"editor": editor, "can_edit": True})


@require_POST
@catalog_editor_required
def product_delete(request, pk):
    product = _product_or_404(pk)
    try:
        products.delete_product(product=product, actor=request.user)
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect("catalog:product_edit", pk=product.pk)
    messages.success(request, _("%(title)s was deleted.") % {"title": product.title})
    return redirect("catalog:products")


# --- products: the picture gallery ---------------------------------------------------------------------


def _gallery_response(request, product_pk):
    if request.htmx:
        product = _product_or_404(product_pk)
        return render(request, "console/catalog/_gallery.html", {"product": product, "can_edit": True})
    return redirect("catalog:product_edit", pk=product_pk)


@require_POST
@catalog_editor_required
def image_action(request, pk, image_id, action):
    product = _product_or_404(pk)
    try:
        if action == "main":
            media.set_main_image(product=product, image_id=image_id, actor=request.user)
        elif action == "delete":
            media.delete_product_image(product=product, image_id=image_id, actor=request.user)
        elif action in ("up", "down"):
            media.move_product_image(product=product, image_id=image_id, direction=action, actor=request.user)
        else:
            raise Http404
    except DomainError as error:
        if error.status_code == 404:
            raise Http404(error.message) from error
        messages.error(request, error_text(error))
    return _gallery_response(request, product.pk)


# --- stock ---------------------------------------------------------------------------------------------


@staff_required
def stock_overview(request):
    page = Paginator(selectors.low_stock_skus(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console/catalog/stock_overview.html", {"page": page})


def _render_stock(request, product, *, sku=None, forms=None, status=200):
    selected = sku
    if selected is None:
        wanted = id_or_none(request.GET.get("sku"))
        selected = next((s for s in product.skus.all() if s.pk == wanted), None)
    movements = None
    if selected is not None:
        movements = Paginator(selectors.sku_movements(sku=selected), MOVEMENTS_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    forms = forms or {}
    rows = [(s, forms.get(s.pk) or StockAdjustForm(prefix=f"sku{s.pk}")) for s in product.skus.all()]
    context = {
        "product": product,
        "rows": rows,
        "selected": selected,
        "movements": movements,
        "can_edit": can_edit_catalog(request.user),
    }
    template = "console/catalog/_movements.html" if request.htmx and request.method == "GET" else None
    return render(request, template or "console/catalog/stock.html", context, status=status)


@staff_required
def product_stock(request, pk):
    return _render_stock(request, _product_or_404(pk))


@require_POST
@catalog_editor_required
def sku_adjust(request, pk, sku_id):
    product = _product_or_404(pk)
    sku = next((s for s in product.skus.all() if s.pk == sku_id), None)
    if sku is None:
        raise Http404
    form = StockAdjustForm(request.POST, prefix=f"sku{sku.pk}")
    if form.is_valid():
        try:
            movement = inventory.adjust_stock(sku=sku, actor=request.user, **form.service_fields())
        except DomainError as error:
            form.apply(error)
        else:
            if movement is None:
                messages.info(
                    request, _("The stock of %(sku)s was already %(n)s.") % {"sku": sku, "n": sku.stock}
                )
            else:
                messages.success(
                    request,
                    _("Stock of %(sku)s is now %(n)s.") % {"sku": sku, "n": movement.stock_after},
                )
            return redirect(f"{reverse('catalog:product_stock', args=[product.pk])}?sku={sku.pk}")
    return _render_stock(request, product, sku=sku, forms={sku.pk: form}, status=400)


# --- categories and brands -----------------------------------------------------------------------------


def _render_categories(request, form, *, editing=None, status=200):
    tree = selectors.category_tree()
    context = {"tree": tree, "form": form, "editing": editing, "can_edit": can_edit_catalog(request.user)}
    return render(request, "console/catalog/categories.html", context, status=status)


def _category_form(data=None, files=None, *, initial=None, exclude=None):
    tops = [c for c in selectors.category_tree() if c.pk != exclude]
    return CategoryForm(data, files, initial=initial, top_categories=tops)


@require_http_methods(["GET", "POST"])
@staff_required
def category_list(request):
    if request.method == "GET":
        return _render_categories(request, _category_form(initial={"is_visible": True}))
    if not can_edit_catalog(request.user):
        return _forbidden(request)
    form = _category_form(request.POST, request.FILES)
    if form.is_valid():
        try:
            category = categories.create_category(actor=request.user, data=form.to_input())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Category %(name)s was added.") % {"name": category.name})
            return redirect("catalog:categories")
    return _render_categories(request, form, status=400)


@require_http_methods(["GET", "POST"])
@catalog_editor_required
def category_edit(request, pk):
    category = get_object_or_404(Category, pk=pk)
    if request.method == "GET":
        form = _category_form(initial=CategoryForm.initial_for(category), exclude=category.pk)
        return _render_categories(request, form, editing=category)
    form = _category_form(request.POST, request.FILES, exclude=category.pk)
    if form.is_valid():
        try:
            categories.update_category(actor=request.user, category=category, data=form.to_input())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Category %(name)s was saved.") % {"name": form.cleaned_data["name"]})
            return redirect("catalog:categories")
    return _render_categories(request, form, editing=category, status=400)


@require_POST
@catalog_editor_required
def category_delete(request, pk):
    category = get_object_or_404(Category, pk=pk)
    try:
        categories.delete_category(actor=request.user, category=category)
    except DomainError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Category %(name)s was deleted.") % {"name": category.name})
    return redirect("catalog:categories")


@require_POST
@catalog_editor_required
def category_move(request, pk, direction):
    if direction not in ("up", "down"):
        raise Http404
    categories.move_category(
        actor=request.user, category=get_object_or_404(Category, pk=pk), direction=direction
    )
    return redirect("catalog:categories")


def _render_brands(request, form, *, editing=None, status=200):
    brands = Brand.objects.annotate(product_count=Count("products")).order_by("sort_order", "name")
    page = Paginator(brands, 50).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "editing": editing, "can_edit": can_edit_catalog(request.user)}
    return render(request, "console/catalog/brands.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def brand_list(request):
    if request.method == "GET":
        return _render_brands(request, BrandForm())
    if not can_edit_catalog(request.user):
        return _forbidden(request)
    form = BrandForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            brand = brands.create_brand(actor=request.user, data=form.to_input())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Brand %(name)s was added.") % {"name": brand.name})
            return redirect("catalog:brands")
    return _render_brands(request, form, status=400)


@require_http_methods(["GET", "POST"])
@catalog_editor_required
def brand_edit(request, pk):
    brand = get_object_or_404(Brand, pk=pk)
    if request.method == "GET":
        return _render_brands(request, BrandForm(initial=BrandForm.initial_for(brand)), editing=brand)
    form = BrandForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            brands.update_brand(actor=request.user, brand=brand, data=form.to_input())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Brand %(name)s was saved.") % {"name": form.cleaned_data["name"]})
            return redirect("catalog:brands")
    return _render_brands(request, form, editing=brand, status=400)


@require_POST
@catalog_editor_required
def brand_delete(request, pk):
    brand = get_object_or_404(Brand, pk=pk)
    try:
        brands.delete_brand(actor=request.user, brand=brand)
    except DomainError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Brand %(name)s was deleted.") % {"name": brand.name})
    return redirect("catalog:brands")


# --- import and export ---------------------------------------------------------------------------------


def _render_import(request, form, *, report=None, result=None, status=200):
    context = {
        "form": form,
        "report": report,
        "result": result,
        "columns": importing.COLUMNS,
        "can_edit": can_edit_catalog(request.user),
    }
    return render(request, "console/catalog/import.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def import_products(request):
    if request.method == "GET":
        return _render_import(request, ImportForm())
    if not can_edit_catalog(request.user):
        return _forbidden(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_import(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        result = importing.import_products(
            store=request.tenant, file=upload, filename=upload.name, actor=request.user
        )
    except importing.ImportRejected as error:
        report = error.rows
        if not report:
            apply_domain_error(form, error)
        return _render_import(request, form, report=report, status=400)
    except DomainError as error:
        apply_domain_error(form, error)
        return _render_import(request, form, status=400)
    return _render_import(request, ImportForm(), result=result)


@staff_required
def import_template(request):
    response = HttpResponse(importing.import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="products-template.csv"'
    return response


@staff_required
def export_products(request):
    try:
        exported = importing.export_products(
            products=ProductFilters.parse(request.GET).products(),
            file_format=request.GET.get("format", "csv"),
        )
    except DomainError as error:
        raise Http404(error.message) from error
    response = HttpResponse(exported.body, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


# --- notifications and shop settings -------------------------------------------------------------------


@staff_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.merchant_notifications(unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "console/catalog/notifications.html", {"page": page, "unread_only": unread_only})


@require_POST
@staff_required
def notifications_read(request):
    raw = request.POST.get("id", "")
    if raw:
        # One notice; an unknown or malformed id marks none (never all of them).
        one = id_or_none(raw)
        notifications.mark_notifications_read(ids=[one] if one else [])
    else:
        count = notifications.mark_notifications_read(ids=None)
        messages.success(
            request,
            ngettext("%(n)s notice marked as read.", "%(n)s notices marked as read.", count) % {"n": count},
        )
    return redirect(safe_next(request, reverse("catalog:notifications")))


@require_http_methods(["GET", "POST"])
@staff_required
def shop_settings(request):
    current = ShopSettings.load()
    can_edit = can_edit_catalog(request.user)
    if request.method == "POST":
        if not can_edit:
            return _forbidden(request)
        form = ShopSettingsForm(request.POST)
        if form.is_valid():
            try:
                update_shop_settings(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Shop settings saved."))
                return redirect("catalog:shop_settings")
        status = 400
    else:
        form = ShopSettingsForm(
            initial={
                "auto_off_sale_when_sold_out": current.auto_off_sale_when_sold_out,
                "low_stock_email": current.low_stock_email,
            }
        )
        status = 200
    return render(
        request, "console/catalog/shop_settings.html", {"form": form, "can_edit": can_edit}, status=status
    )
