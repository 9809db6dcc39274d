"""Pushes that outside providers post to a store's host. Plain Django views, not DRF endpoints: no session,
token or CSRF check applies (the provider's signature is the authentication), and they stay out of the
OpenAPI schema, which documents what API clients call, not what Kuaidi100 calls.

A push is answered as the provider expects: success once it is recorded — or knowingly ignored, for a parcel
this store does not have (a retry would not change that) — and a 4xx refusal for a bad signature or body."""

import logging

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.services.tracking_updates import record_tracking_push
from shop.tracking.base import InvalidTrackingPush, TrackingNotConfigured
from shop.tracking.registry import tracking_provider
from tenants.hosts import request_store

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def kuaidi100_tracking_push(request):
    store = request_store(request)
    try:
        provider = tracking_provider()
    except TrackingNotConfigured:
        provider = None
    if store is None or provider is None:
        return JsonResponse({"result": False, "returnCode": "404", "message": "no tracking here"}, status=404)
    try:
        push = provider.parse_callback(headers=request.headers, form=request.POST)
    except InvalidTrackingPush as error:
        logger.warning("tracking push refused in %s: %s", store.schema_name, error.reason)
        answer = provider.acknowledge(False, message=error.reason)
    else:
        record_tracking_push(push=push)
        answer = provider.acknowledge(True)
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
