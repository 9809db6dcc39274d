"""The store's activity log over the API (owners and administrators), filtered like the console page."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from api.base import StoreManagersOnly, StoreViewSet, StoreWritable
from tenants import activity
from tenants.activity.models import ActivityEntry
from tenants.activity.selectors import ActivityFilters


class ActivityEntrySerializer(serializers.ModelSerializer):
    action_label = serializers.SerializerMethodField()
    changes = serializers.JSONField(help_text='{"field": [before, after]}')

    class Meta:
        model = ActivityEntry
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_label",
            "action",
            "action_label",
            "target_type",
            "target_id",
            "target_label",
            "changes",
            "note",
        ]
        read_only_fields = fields

    def get_action_label(self, entry) -> str:
        return activity.action_label(entry.action)


FILTERS = [
    OpenApiParameter("actor", int, description="a staff member's id"),
    OpenApiParameter("action", str, description='e.g. "product.updated"'),
    OpenApiParameter("target_type", str, description='e.g. "product"'),
    OpenApiParameter("target_id", str),
    OpenApiParameter("date_from", str, description="YYYY-MM-DD in the store's time zone"),
    OpenApiParameter("date_to", str, description="YYYY-MM-DD in the store's time zone, included"),
    OpenApiParameter("search", str, description="in the object's name and the note"),
]


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StoreViewSet):
    """Who did what to which object in this store, newest first. Append-only: nothing here changes."""

    serializer_class = ActivityEntrySerializer
    permission_classes = [StoreManagersOnly, StoreWritable]
    lookup_value_regex = "[0-9]+"

    def get_store_queryset(self):
        if self.action == "list":
            return ActivityFilters.parse(self.request.query_params).entries()
        return ActivityEntry.objects.select_related("actor")
