"""Reads of the activity log, shared by the console page and the API."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from tenants.activity.models import ActivityEntry


def _id(value) -> int | None:
    value = str(value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 2**63 else None


def _day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _word(value, limit: int) -> str:
    return "".join(ch for ch in str(value or "") if ch.isprintable()).strip()[:limit]


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
            actor=_id(params.get("actor")),
            action=_word(params.get("action"), 60),
            target_type=_word(params.get("target_type"), 40),
            target_id=_word(params.get("target_id"), 64),
            date_from=_day(params.get("date_from")),
            date_to=_day(params.get("date_to")),
            search=_word(params.get("search"), 100),
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
