"""The buyer's side of the storefront (/account/ on a store host): the "Me" tab, sign-in by SMS code (and
with WeChat in the WeChat browser), sign-out, the profile, the phone number, the address book and what
the store told the buyer (notifications).

Views parse the request, call one service (shop.services.buyer_auth, wechat, buyer_profile, addresses)
and render. Every page past sign-in is behind `buyer_required` and reads the buyer's rows through
shop.selectors.buyers, which never returns another buyer's."""

import secrets
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontend.forms import apply_domain_error
from frontend.forms_buyer import AddressForm, PhoneForm, ProfileForm, SignInForm
from frontend.forms_storefront_orders import NotificationsForm
from frontend.views.access import buyer_required, is_local_path, on_store_host, safe_next
from frontend.views.buyer_pages import not_found, with_query
from shop.selectors import buyers as selectors
from shop.selectors import orders as order_selectors
from shop.services import addresses, buyer_auth, buyer_notifications, buyer_profile, wechat
from tenants.client_ip import client_ip
from tenants.errors import DomainError, RateLimited
from tenants.phones import display_phone

ACCOUNT_HOME = "/account/"
BACKEND = "tenants.accounts.backends.AccountBackend"
# The pending WeChat sign-in of this session: the nonce its `state` carries, where to go next, since when.
WECHAT_STATE_KEY = "storefront.wechat_oauth"
WECHAT_STATE_MAX_AGE = 600
_STATE_SALT = "fenxiao.storefront.wechat-oauth-state"


def _page(request, template, context, status=200):
    context.setdefault("tab", "account")
    return render(request, template, context, status=status)


def _is_buyer(request) -> bool:
    return request.user.is_authenticated and request.user.is_buyer


def _signed_in(request, buyer, next_url: str):
    login(request, buyer, backend=BACKEND)
    messages.success(request, _("You are signed in."))
    return redirect(next_url)


# ---------------------------------------------------------------------------------------------
# The "Me" tab
# ---------------------------------------------------------------------------------------------


@require_GET
def account(request):
    """Signed in: who the buyer is and the pages of their account; otherwise an invitation to sign in.
    Both keep what any visitor can do here: follow orders, earn as a distributor, choose the language."""
    context = {"order_counts": {}}
    if _is_buyer(request):
        buyer = request.user
        context = {
            "buyer": buyer,
            "avatar_url": buyer.avatar.url if buyer.avatar else selectors.wechat_avatar_url(buyer),
            "phone_display": display_phone(buyer.phone),
            "default_address": selectors.default_address(buyer),
            "order_counts": order_selectors.buyer_order_counts(buyer=buyer),
            "unread_count": selectors.unread_notification_count(buyer),
        }
    return _page(request, "storefront/account.html", context)


# ---------------------------------------------------------------------------------------------
# Codes by SMS: sign-in, and the phone number of a signed-in buyer
# ---------------------------------------------------------------------------------------------


def _code_page_context(form, status=None) -> dict:
    return {
        "form": form,
        "code_status": status,
        "js_labels": {"send": _("Send code"), "wait": _("Resend in %(n)s s")},
    }


def _sign_in_context(request, form, status=None, error: str = "") -> dict:
    next_url = safe_next(request, ACCOUNT_HOME)
    in_wechat = "micromessenger" in request.headers.get("User-Agent", "").lower()
    wechat_url = ""
    if in_wechat and wechat.official_account_enabled():
        wechat_url = reverse("storefront:wechat_sign_in") + "?" + urlencode({"next": next_url})
    return {**_code_page_context(form, status), "next": next_url, "wechat_url": wechat_url, "error": error}


def _phone_context(request, form, status=None) -> dict:
    return {**_code_page_context(form, status), "phone_display": display_phone(request.user.phone)}


def _send_code(request, form) -> dict:
    """Send a code to the form's number. Returns what the page says about it and in how many seconds
    the button may be pressed again."""
    if not form.is_valid():
        return {"error": True, "message": " ".join(form.errors.get("phone", []))}
    try:
        sent = buyer_auth.request_sign_in_code(
            store=request.tenant, phone=form.cleaned_data["phone"], ip=client_ip(request)
        )
    except RateLimited as error:
        # The button counts down the resend gap; a daily cap lifting in hours is said, not counted.
        wait = error.retry_after or 0
        counted = wait if wait <= settings.SMS_CODE_RESEND_SECONDS else 0
        return {"error": True, "message": error.message, "resend_in": counted}
    except DomainError as error:
        return {"error": True, "message": error.message}
    return {
        "error": False,
        "message": _("A code was sent to %(phone)s. It is valid for %(minutes)s minutes.")
        % {"phone": display_phone(sent.phone), "minutes": sent.expires_in // 60},
        "resend_in": sent.resend_in,
    }


@require_POST
def send_code(request):
    """The "send code" button. An HTMX request gets the status line; without JavaScript the page it was
    pressed on (sign-in, or the phone page) comes back whole, with what was typed."""
    if not on_store_host(request):
        return redirect("/")
    status = _send_code(request, PhoneForm(request.POST))
    if request.htmx:
        return render(request, "storefront/account/_code_status.html", {"code_status": status})
    form = SignInForm(initial={"phone": request.POST.get("phone", "")[:32]})
    if request.POST.get("page") == "phone" and _is_buyer(request):
        return _page(request, "storefront/account/phone.html", _phone_context(request, form, status))
    return _page(request, "storefront/account/sign_in.html", _sign_in_context(request, form, status))


@require_http_methods(["GET", "POST"])
def sign_in(request):
    if not on_store_host(request):
        return redirect("/")
    next_url = safe_next(request, ACCOUNT_HOME)
    if _is_buyer(request):
        return redirect(next_url)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            buyer = buyer_auth.sign_in_with_code(
                phone=form.cleaned_data["phone"],
                code=form.cleaned_data["code"],
                ip=client_ip(request),
                previous_session_key=request.session.session_key or "",
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return _signed_in(request, buyer, next_url)
    return _page(request, "storefront/account/sign_in.html", _sign_in_context(request, form))


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect(ACCOUNT_HOME)


@buyer_required
@require_http_methods(["GET", "POST"])
def phone(request):
    """Add a phone number to an account made through WeChat, or change it: a code sent to the new
    number proves it. A number that is another buyer's account is refused, never merged."""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            buyer_auth.bind_phone(
                buyer=request.user,
                phone=form.cleaned_data["phone"],
                code=form.cleaned_data["code"],
                ip=client_ip(request),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your phone number is saved."))
            return redirect("storefront:profile")
    return _page(request, "storefront/account/phone.html", _phone_context(request, form))


# ---------------------------------------------------------------------------------------------
# Sign-in with WeChat (web OAuth through the store's official account, in the WeChat browser)
# ---------------------------------------------------------------------------------------------


def _state_signature(session_key: str, nonce: str) -> str:
    return salted_hmac(_STATE_SALT, f"{session_key}:{nonce}", algorithm="sha256").hexdigest()[:32]


def _callback_url(request) -> str:
    return request.build_absolute_uri(reverse("storefront:wechat_callback"))


@require_GET
def wechat_sign_in(request):
    """Send the WeChat browser to WeChat's authorisation page. The `state` it comes back with is a
    nonce kept in this session plus a signature bound to the session, letters and digits only (as
    WeChat requires): a callback from another browser, or replayed, is refused."""
    if not on_store_host(request):
        return redirect("/")
    next_url = safe_next(request, ACCOUNT_HOME)
    nonce = secrets.token_hex(16)
    request.session[WECHAT_STATE_KEY] = {"nonce": nonce, "next": next_url, "at": int(time.time())}
    if request.session.session_key is None:
        request.session.save()
    state = nonce + _state_signature(request.session.session_key, nonce)
    try:
        url = wechat.wechat_authorize_url(redirect_uri=_callback_url(request), state=state)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(reverse("storefront:sign_in") + "?" + urlencode({"next": next_url}))
    return redirect(url)


def _pending_wechat_sign_in(request) -> dict | None:
    """The pending sign-in the callback's `state` belongs to (used up now), or None."""
    pending = request.session.pop(WECHAT_STATE_KEY, None)
    state = request.GET.get("state", "")
    if not isinstance(pending, dict) or len(state) != 64 or not request.session.session_key:
        return None
    nonce, signature = state[:32], state[32:]
    if not constant_time_compare(nonce, pending.get("nonce", "")):
        return None
    if not constant_time_compare(signature, _state_signature(request.session.session_key, nonce)):
        return None
    if time.time() - pending.get("at", 0) > WECHAT_STATE_MAX_AGE:
        return None
    return pending


@require_GET
def wechat_callback(request):
    if not on_store_host(request):
        return redirect("/")
    pending = _pending_wechat_sign_in(request)

    def refused(message: str, status: int):
        context = _sign_in_context(request, SignInForm(), error=message)
        return _page(request, "storefront/account/sign_in.html", context, status=status)

    if pending is None:
        return refused(_("This WeChat sign-in has expired. Please try again."), 400)
    if not request.GET.get("code"):
        # The buyer declined on WeChat's page (snsapi_userinfo): no code comes back.
        return refused(_("WeChat sign-in was cancelled. You can sign in with your phone number."), 200)
    try:
        buyer = wechat.sign_in_with_wechat_oauth(
            code=request.GET["code"],
            redirect_uri=_callback_url(request),
            previous_session_key=request.session.session_key or "",
        )
    except DomainError as error:
        return refused(error.message, error.status_code)
    return _signed_in(request, buyer, pending["next"])


# ---------------------------------------------------------------------------------------------
# Profile
# ---------------------------------------------------------------------------------------------


@buyer_required
@require_http_methods(["GET", "POST"])
def profile(request):
    buyer = request.user
    form = ProfileForm(request.POST or None, request.FILES or None, initial={"name": buyer.name})
    if request.method == "POST" and form.is_valid():
        try:
            buyer_profile.update_profile(buyer=buyer, data=form.to_input())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("storefront:profile")
    return _page(
        request,
        "storefront/account/profile.html",
        {
            "form": form,
            "avatar_url": buyer.avatar.url if buyer.avatar else selectors.wechat_avatar_url(buyer),
            "phone_display": display_phone(buyer.phone),
        },
    )


# ---------------------------------------------------------------------------------------------
# Address book
# ---------------------------------------------------------------------------------------------


def _address_list(request, status=200):
    """The list page, or only the list for an HTMX request (after a default change or a deletion)."""
    context = {
        "addresses": list(selectors.buyer_addresses(request.user)),
        "max_addresses": addresses.MAX_ADDRESSES,
    }
    if request.htmx:
        return render(request, "storefront/account/_address_list.html", context, status=status)
    return _page(request, "storefront/account/addresses.html", context, status=status)


def _not_in_book(request):
    return _page(
        request,
        "storefront/account/not_found.html",
        {"message": _("This address is not in your address book.")},
        status=404,
    )


@buyer_required
@require_GET
def address_list(request):
    return _address_list(request)


@buyer_required
@require_http_methods(["GET", "POST"])
def address_new(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            address = addresses.add_address(buyer=request.user, data=form.to_input())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The address is saved."))
            # Back to the page that sent the buyer here (checkout), with the new address chosen there.
            next_url = safe_next(request, "")
            return redirect(with_query(next_url, address=address.pk) if next_url else "storefront:addresses")
    return _page(
        request,
        "storefront/account/address_form.html",
        {"form": form, "address": None, "next": safe_next(request, "")},
    )


@buyer_required
@require_http_methods(["GET", "POST"])
def address_edit(request, pk):
    try:
        address = selectors.buyer_address(request.user, pk)
    except DomainError:
        return _not_in_book(request)
    form = AddressForm(request.POST or None, initial=AddressForm.initial_for(address))
    if request.method == "POST" and form.is_valid():
        try:
            addresses.update_address(buyer=request.user, address_id=address.pk, data=form.to_input())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The address is saved."))
            return redirect("storefront:addresses")
    return _page(request, "storefront/account/address_form.html", {"form": form, "address": address})


def _address_action(request, pk, action, notice: str):
    try:
        action(buyer=request.user, address_id=pk)
    except DomainError as error:
        if error.status_code == 404:
            return _not_in_book(request)
        messages.error(request, error.message)
    else:
        messages.success(request, notice)
    if request.htmx:
        return _address_list(request)
    return redirect("storefront:addresses")


@buyer_required
@require_POST
def address_default(request, pk):
    return _address_action(request, pk, addresses.set_default_address, _("This is now your default address."))


@buyer_required
@require_POST
def address_delete(request, pk):
    return _address_action(request, pk, addresses.delete_address, _("The address is deleted."))


# ---------------------------------------------------------------------------------------------
# Notifications: what the store told the buyer (paid, shipped, a refund decided)
# ---------------------------------------------------------------------------------------------

NOTIFICATIONS_PAGE_SIZE = 20


@buyer_required
@require_GET
def notifications(request):
    page = Paginator(selectors.buyer_notifications(request.user), NOTIFICATIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "notifications": page.object_list}
    if request.htmx and request.GET.get("page"):
        return render(request, "storefront/account/_notifications.html", context)
    return _page(request, "storefront/account/notifications.html", context)


@buyer_required
@require_POST
def notifications_read(request):
    """Open one notification (it is read, and the buyer goes where it points), or mark them all read."""
    form = NotificationsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("notification", [])))
        return redirect("storefront:notifications")
    if form.cleaned_data["notification"] is None:
        buyer_notifications.mark_read(buyer=request.user)
        return redirect("storefront:notifications")
    try:
        notification = selectors.buyer_notification(request.user, form.cleaned_data["notification"])
    except DomainError as error:
        return not_found(
            request, error.message, back=reverse("storefront:notifications"), back_label=_("Notifications")
        )
    buyer_notifications.mark_read(buyer=request.user, ids=[notification.pk])
    # Links are paths of this store that the services wrote ("/orders/<number>/"); anything else stays here.
    if is_local_path(request, notification.link):
        return redirect(notification.link)
    return redirect("storefront:notifications")
