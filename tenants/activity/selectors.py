"""Reads of the activity log, shared by the console page and the API."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from tenants.activity.models import ActivityEntry
from tenants.inputs import date_or_none, filter_text, id_or_none


@dataclass(frozen=True)
class ActivityFilters:
    """Query parameters: actor (a user id), action, target_type, target_id, date_from / date_to
    (YYYY-MM-DD, in the store's time zone), search (the object's name). Unreadable values are ignored."""

    actor: int | None = None
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    search: str = ""

    @classmethod
    def parse(cls, params) -> "ActivityFilters":
        return cls(
            actor=id_or_none(params.get("actor")),
            action=filter_text(params.get("action"), limit=60),
            target_type=filter_text(params.get("target_type"), limit=40),
            target_id=filter_text(params.get("target_id"), limit=64),
            date_from=date_or_none(params.get("date_from")),
            date_to=date_or_none(params.get("date_to")),
            search=filter_text(params.get("search"), limit=100),
        )

    @property
    def active(self) -> bool:
        return any(
            (
                self.actor,
                self.action,
                self.target_type,
                self.target_id,
                self.date_from,
                self.date_to,
                self.search,
            )
        )

    def entries(self) -> QuerySet[ActivityEntry]:
        entries = ActivityEntry.objects.select_related("actor").order_by("-created_at", "-id")
        if self.actor:
            entries = entries.filter(actor_id=self.actor)
        if self.action:
            entries = entries.filter(action=self.action)
        if self.target_type:
            entries = entries.filter(target_type=self.target_type)
        if self.target_id:
            entries = entries.filter(target_id=self.target_id)
        zone = timezone.get_current_timezone()
        if self.date_from:
            start = datetime.datetime.combine(self.date_from, datetime.time.min, tzinfo=zone)
            entries = entries.filter(created_at__gte=start)
        if self.date_to:
            end = datetime.datetime.combine(
                self.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            )
            entries = entries.filter(created_at__lt=end)
        if self.search:
            entries = entries.filter(Q(target_label__icontains=self.search) | Q(note__icontains=self.search))
        return entries
