"""The outside world, faked at the HTTP layer only: a WeChat Pay that signs its answers and notifications as
the real one does (RSA-SHA256 over "{timestamp}\\n{nonce}\\n{body}\\n" with its platform key, resources
AES-256-GCM-encrypted with the merchant's APIv3 key), and realistic Stripe objects."""

import base64
import json
import re
import secrets
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shop.payments.wechat import WeChatMerchant

API = "https://api.mch.weixin.qq.com"
APIV3_KEY = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
PUBLIC_KEY_ID = "PUB_KEY_ID_0114232134912410000000000000"
MCHID = "1230000109"
APPID = "wxd678efh567hg6787"
SERIAL = "444F4864EA9B34415A2C4D7B0D2E8B4E5F6A7B8C"
SP_MCHID = "1900000100"
SP_APPID = "wx8888888888888888"
SUB_MCHID = "1900000109"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def rsa_signature(key, message: str) -> str:
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verifies(public_key, message: str, signature: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception:
        return False
    return True


@dataclass
class FakeWeChatPay:
    """WeChat Pay's side: its platform key pair (the merchant is given the public half as "the WeChat Pay
    public key") and the merchant's API key pair (WeChat Pay knows its public half)."""

    platform_key: rsa.RSAPrivateKey
    merchant_key: rsa.RSAPrivateKey
    apiv3_key: str = APIV3_KEY
    public_key_id: str = PUBLIC_KEY_ID

    def merchant(self, *, mchid=MCHID, appid=APPID, apiv3_key=None) -> WeChatMerchant:
        return WeChatMerchant(
            mchid=mchid,
            appid=appid,
            apiv3_key=apiv3_key or self.apiv3_key,
            private_key=private_pem(self.merchant_key),
            cert_serial=SERIAL,
            public_key=public_pem(self.platform_key),
            public_key_id=self.public_key_id,
        )

    def signed_headers(self, body: str, *, timestamp=None, key=None, serial=None) -> dict:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(16)
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": rsa_signature(key or self.platform_key, f"{stamp}\n{nonce}\n{body}\n"),
            "Wechatpay-Serial": serial or self.public_key_id,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    def encrypt(self, resource: dict, *, apiv3_key=None, original_type="transaction") -> dict:
        nonce, associated = secrets.token_hex(6), original_type
        ciphertext = AESGCM((apiv3_key or self.apiv3_key).encode()).encrypt(
            nonce.encode(), json.dumps(resource, ensure_ascii=False).encode(), associated.encode()
        )
        return {
            "original_type": original_type,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(ciphertext).decode(),
            "associated_data": associated,
            "nonce": nonce,
        }

    def notification(
        self, resource: dict, *, event_type="TRANSACTION.SUCCESS", apiv3_key=None, timestamp=None, key=None
    ) -> tuple[dict, bytes]:
        """(headers, raw body) of a notification as WeChat Pay posts it."""
        refund = event_type.startswith("REFUND.")
        body = json.dumps(
            {
                "id": "EV-" + secrets.token_hex(8),
                "create_time": "2026-12-01T10:00:00+08:00",
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": "退款成功" if refund else "支付成功",
                "resource": self.encrypt(
                    resource, apiv3_key=apiv3_key, original_type="refund" if refund else "transaction"
                ),
            },
            ensure_ascii=False,
        )
        return self.signed_headers(body, timestamp=timestamp, key=key), body.encode()

    def answer(self, rsps, method: str, path: str, *, status=200, payload=None, signed=True):
        """Register WeChat Pay's answer to one API call (a regex on the path, any query string)."""
        body = "" if payload is None else json.dumps(payload, ensure_ascii=False)

        def reply(request):
            headers = {"Request-ID": secrets.token_hex(8)}
            if 200 <= status < 300 and signed:
                headers.update(self.signed_headers(body))
            if body:
                headers["Content-Type"] = "application/json; charset=utf-8"
            return status, headers, body

        rsps.add_callback(method, re.compile(re.escape(API + path) + r"(\?.*)?$"), callback=reply)


def paid_resource(
    out_trade_no="FX20261201000001", total=1250, *, mchid=MCHID, partner=False, trade_state="SUCCESS"
):
    merchant = (
        {
            "sp_appid": SP_APPID,
            "sp_mchid": SP_MCHID,
            "sub_mchid": SUB_MCHID,
            "payer": {"sp_openid": "oUpF8uMuAJO"},
        }
        if partner
        else {"appid": APPID, "mchid": mchid, "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}
    )
    return {
        **merchant,
        "out_trade_no": out_trade_no,
        "transaction_id": "4200001234202612011234567890",
        "trade_type": "JSAPI",
        "trade_state": trade_state,
        "trade_state_desc": "支付成功",
        "bank_type": "CMC",
        "attach": "",
        "success_time": "2026-12-01T10:00:05+08:00",
        "amount": {"total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY"},
    }


def refund_resource(
    out_trade_no="FX20261201000001",
    out_refund_no="RF20261201000001",
    refund=500,
    total=1250,
    status="SUCCESS",
    partner=False,
):
    merchant = {"sp_mchid": SP_MCHID, "sub_mchid": SUB_MCHID} if partner else {"mchid": MCHID}
    return {
        **merchant,
        "out_trade_no": out_trade_no,
        "transaction_id": "4200001234202612011234567890",
        "out_refund_no": out_refund_no,
        "refund_id": "50000000382019052709732678859",
        "refund_status": status,
        "success_time": "2026-12-01T11:00:00+08:00",
        "user_received_account": "招商银行信用卡0403",
        "amount": {"total": total, "refund": refund, "payer_total": total, "payer_refund": refund},
    }


# --- Stripe, as its API answers (trimmed to the fields a client reads, shapes as recorded) ---------------


def stripe_payment_intent(
    *,
    id="pi_3QxYz2LkdIwHu7ix0Xv5u0Ab",
    amount=1250,
    currency="usd",
    status="requires_payment_method",
    metadata=None,
):
    return {
        "id": id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": amount if status == "succeeded" else 0,
        "capture_method": "automatic_async",
        "client_secret": f"{id}_secret_Q7yLhZk3n9vQGmD4o2pTqXyZ1",
        "confirmation_method": "automatic",
        "created": 1764554400,
        "currency": currency,
        "description": "Order FX20261201000001",
        "livemode": False,
        "metadata": metadata or {},
        "payment_method_types": ["card"],
        "status": status,
    }


def stripe_refund(
    *, id="re_3QxYz2LkdIwHu7ix0pR8fQ1c", amount=500, currency="usd", status="succeeded", metadata=None
):
    return {
        "id": id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": "txn_3QxYz2LkdIwHu7ix0b9ZxY1a",
        "charge": "ch_3QxYz2LkdIwHu7ix0k2QmP7d",
        "created": 1764558000,
        "currency": currency,
        "metadata": metadata or {},
        "payment_intent": "pi_3QxYz2LkdIwHu7ix0Xv5u0Ab",
        "reason": None,
        "status": status,
    }


def stripe_event(event_type: str, obj: dict, *, id="evt_3QxYz2LkdIwHu7ix0a1B2c3D", created=None) -> dict:
    return {
        "id": id,
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()) if created is None else created,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": "req_8aQ2dX1s9zP0kL", "idempotency_key": None},
        "type": event_type,
    }
