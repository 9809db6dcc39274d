"""Shapes of the buyer API. Input serializers only parse; the services hold the rules (phone numbers,
code lifecycle, address fields) and build nothing themselves: each write serializer builds the same
frozen input the storefront's form builds (`to_input`)."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from api.fields import BooleanField, CharField, IdField, InputSerializer
from shop.models import Address, BuyerNotification
from shop.regions import CODE_CHOICES
from shop.selectors.buyers import wechat_avatar_url
from shop.services.addresses import FIELDS as ADDRESS_FIELDS
from shop.services.addresses import AddressInput
from shop.services.buyer_profile import ProfileInput


class SmsCodeRequestSerializer(InputSerializer):
    phone = CharField(max_length=32, help_text="A mobile number: 13800138000, +86 138 0013 8000, …")


class SmsCodeSentSerializer(serializers.Serializer):
    phone = serializers.CharField(help_text="The number the code went to, in E.164")
    expires_in = serializers.IntegerField(help_text="Seconds the code is valid")
    resend_in = serializers.IntegerField(help_text="Seconds before another code may be asked for")


class SmsSignInSerializer(InputSerializer):
    phone = CharField(max_length=32)
    code = CharField(max_length=16, help_text="The 6-digit code from the text message")


class WechatMiniSignInSerializer(InputSerializer):
    code = CharField(max_length=128, help_text="The code wx.login() gave the mini-program")


class PhoneBindSerializer(InputSerializer):
    phone = CharField(max_length=32)
    code = CharField(max_length=16, help_text="The code sent to that number (auth/sms-code/)")


class BuyerSerializer(serializers.ModelSerializer):
    avatar_url = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "name", "phone", "avatar_url", "date_joined"]
        read_only_fields = fields
        extra_kwargs = {"phone": {"help_text": "E.164; empty for an account made through WeChat"}}

    def get_avatar_url(self, buyer) -> str:
        if buyer.avatar:
            request = self.context.get("request")
            return request.build_absolute_uri(buyer.avatar.url) if request else buyer.avatar.url
        return wechat_avatar_url(buyer)


class BuyerTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`")
    buyer = BuyerSerializer()


class ProfileUpdateSerializer(InputSerializer):
    name = CharField(max_length=40, required=False, allow_blank=True)
    avatar = serializers.FileField(
        required=False, help_text="PNG, JPEG, WebP or GIF, at most 2 MB (multipart)"
    )
    clear_avatar = BooleanField(required=False, default=False)

    def to_input(self) -> ProfileInput:
        data = self.validated_data
        return ProfileInput(
            name=data.get("name"), avatar=data.get("avatar"), clear_avatar=data.get("clear_avatar", False)
        )


class AddressSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(read_only=True)

    class Meta:
        model = Address
        fields = [
            "id",
            "contact_name",
            "phone",
            "province_code",
            "province_name",
            "city",
            "district",
            "detail",
            "postal_code",
            "is_default",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AddressInputSerializer(InputSerializer):
    contact_name = CharField(max_length=40)
    phone = CharField(max_length=32, help_text="Stored in E.164")
    province_code = serializers.ChoiceField(choices=CODE_CHOICES, help_text="GB/T 2260 province code")
    city = CharField(max_length=40)
    district = CharField(max_length=40, required=False, allow_blank=True, default="")
    detail = CharField(max_length=200, help_text="Street, building, room")
    postal_code = CharField(max_length=10, required=False, allow_blank=True, default="")
    is_default = BooleanField(
        required=False,
        default=False,
        help_text="true makes it the default address; the default moves only by making another the default",
    )

    def to_input(self, current: Address | None = None) -> AddressInput:
        """The input for the service; on a partial update, what the request leaves out keeps its value."""
        data = dict(self.validated_data)
        if current is not None:
            for name in ADDRESS_FIELDS:
                data.setdefault(name, getattr(current, name))
        data.setdefault("is_default", False)
        return AddressInput(**data)


class BuyerNotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = BuyerNotification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields
        extra_kwargs = {"link": {"help_text": "A path on the store's host (/orders/<number>/)"}}


class NotificationsReadSerializer(InputSerializer):
    ids = serializers.ListField(
        child=IdField(), required=False, max_length=1000, help_text="The notifications read; left out, all"
    )


class NotificationsMarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and now are read")
