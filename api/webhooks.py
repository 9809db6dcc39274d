"""Pushes that outside providers post to a store's host: parcel tracking (Kuaidi100) and payment
notifications (the sandbox, WeChat Pay, Stripe). Plain Django views, not DRF endpoints: no session, token or
CSRF check applies (the provider's signature is the authentication), and they stay out of the OpenAPI
schema, which documents what API clients call, not what Kuaidi100 or WeChat Pay calls.

A push is answered as the provider expects: success once it is recorded — or knowingly ignored, for a parcel
this store does not have (a retry would not change that) — and a 4xx refusal for a bad signature or body."""

import logging

from django.http import HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.services import payments
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


def _refusal(status: int, message: str) -> JsonResponse:
    # WeChat Pay's refusal shape ({"code": "FAIL", "message": ...}); the other providers read the status.
    return JsonResponse({"code": "FAIL", "message": message}, status=status)


@csrf_exempt
@require_POST
def payment_notification(request, provider: str):
    """Every payment provider's notifications (payments and refunds) for the store of this host, through
    the one notification path (shop.services.payments.handle_notification), on the raw body."""
    store = request_store(request)
    if store is None:
        return _refusal(404, "no store here")
    try:
        body = request.body
    except RawPostDataException:
        # A multipart form was read already (the request edge checks forms): no provider sends one.
        return _refusal(400, "the body is a form, not a notification")
    acknowledgement, outcome = payments.handle_notification(
        store=store, provider_code=provider, headers=request.headers, body=body
    )
    if acknowledgement is None:  # an unknown provider, or one this store has not set up
        return _refusal(404, outcome)
    return HttpResponse(
        acknowledgement.body, status=acknowledgement.status, content_type=acknowledgement.content_type
    )


@csrf_exempt
@require_POST
def billing_webhook(request, provider: str):
    """The platform's Stripe Billing webhooks (merchants' subscriptions), on the platform's host: verified,
    stored once per event id and answered at once; a worker applies them (billing.webhooks)."""
    from billing.providers import STRIPE, InvalidWebhook
    from billing.webhooks import receive

    if provider != STRIPE:  # the sandbox hands its events over in-process, never over HTTP
        return JsonResponse({"error": "unknown billing provider"}, status=404)
    try:
        body = request.body
    except RawPostDataException:
        return JsonResponse({"error": "the body is a form, not an event"}, status=400)
    try:
        row, new = receive(provider, headers=request.headers, body=body)
    except InvalidWebhook as error:
        logger.warning("billing webhook refused: %s", error)
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"received": True, "duplicate": not new})
