"""The store's activity log in the console (/console/activity/): who did what to which object, with
the fields before and after. Owners and administrators only."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from frontend.views.access import staff_required
from tenants import activity
from tenants.accounts.services import staff_members
from tenants.activity.selectors import ActivityFilters

PAGE_SIZE = 50


def _change_rows(changes: dict) -> list[tuple[str, object, object]]:
    rows = []
    for field, values in (changes or {}).items():
        before, after = (values + [None, None])[:2] if isinstance(values, list) else (None, values)
        rows.append((field, before, after))
    return rows


@require_GET
@staff_required(manager=True)
def activity_log(request):
    filters = ActivityFilters.parse(request.GET)
    page = Paginator(filters.entries(), PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.action_label = activity.action_label(entry.action)
        entry.target_type_label = activity.target_label(entry.target_type)
        entry.change_rows = _change_rows(entry.changes)
    context = {
        "page": page,
        "filters": filters,
        "actors": staff_members(),
        "actions": activity.action_choices(),
        "targets": activity.target_choices(),
    }
    return render(request, "console/activity.html", context)
