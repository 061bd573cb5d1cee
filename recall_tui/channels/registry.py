"""The enabled channels, built from recall.toml's ``[channels.*]`` tables and the environment.

Only the tables under ``[channels]`` are read (plain values there belong to others).
Settings live in recall.toml; secrets only in the environment (or the keyring, for the SMTP
password). A section with ``enabled = false`` is skipped. Every section takes ``timeout``
(seconds); the provider ones take ``base_url`` (the provider's address, for a test server
or a proxy; the generic ``http`` gateway has its whole ``url``). A missing, unknown or
mistyped setting is a ValueError that names it.

    [channels.email]
    host = "smtp.example.vn"            # required
    tls = "starttls"                    # none | starttls (default) | ssl
    port = 587                          # default: 25 none, 587 starttls, 465 ssl
    user = "nhaclich@example.vn"        # log in as; omit for a relay that needs no login
    sender = "nhaclich@example.vn"      # required: the From address
    sender_name = "Phòng khám ABC"      # optional display name
    reply_to = "letan@example.vn"       # optional
    ca_file = "/etc/ssl/private-ca.pem" # optional: trust a private CA
    # secret: RECALL_SMTP_PASSWORD (else the keyring: service "recall", the user name),
    #         required when ``user`` is set

    [channels.sms]
    provider = "esms"                   # esms | speedsms | twilio | http
    # esms:     brandname (required), sms_type = 2, sandbox = false, callback_url
    #           secrets: RECALL_ESMS_API_KEY, RECALL_ESMS_SECRET_KEY
    # speedsms: sender = "" (brandname or device id), sms_type = 2
    #           secret: RECALL_SPEEDSMS_TOKEN
    # twilio:   account_sid (or RECALL_TWILIO_ACCOUNT_SID), from = "+1..." or
    #           messaging_service_sid = "MG..."
    #           secret: RECALL_TWILIO_AUTH_TOKEN
    # http:     url (required), method = "POST", headers = {...}, body = {...},
    #           format = "json" | "form", phone_format = "84" | "0" | "e164",
    #           success_field + success_value, or success_regex; id_field or id_regex
    #           placeholders {phone} {text} {key} {id}; see http_sms
    #           dedupes_by_reference = false: true when the gateway refuses a second
    #           request with a reference ({id}) it has seen (then a message is sent again
    #           after a run died mid-send; otherwise it is marked maybe_sent)
    #           secret: RECALL_SMS_HTTP_KEY (the {key}), required when {key} is used

    [channels.zalo]
    app_id = "1234567890"               # required (or RECALL_ZALO_APP_ID)
    oauth_url = "https://oauth.zaloapp.com"   # optional, like base_url
    # secrets: RECALL_ZALO_SECRET_KEY, RECALL_ZALO_REFRESH_TOKEN (required),
    #          RECALL_ZALO_ACCESS_TOKEN (optional: refreshed at the first send otherwise)

Zalo refresh tokens are single-use: pass ``on_zalo_tokens`` to store each new pair, and on
the next start hand the stored tokens back in ``env`` (e.g. ``{**os.environ, **stored}``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .base import Channel
from .email import TLS_MODES, EmailChannel
from .esms import ESMS_BASE_URL, EsmsChannel
from .http_common import DEFAULT_TIMEOUT
from .http_sms import BODY_FORMATS, HttpSmsChannel, mentions
from .phones import FORMS
from .speedsms import SPEEDSMS_BASE_URL, SpeedSmsChannel
from .twilio import TWILIO_BASE_URL, TwilioChannel
from .zalo import OAUTH_BASE_URL, ZNS_BASE_URL, ZaloChannel, ZaloTokens

CHANNEL_NAMES = ("email", "sms", "zalo")
SMS_PROVIDERS = ("esms", "speedsms", "twilio", "http")
KEYRING_SERVICE = "recall"


class _Section:
    """One settings table: typed reads that name the setting, and a check for typos."""

    def __init__(self, where: str, data: Any):
        if not isinstance(data, Mapping):
            raise ValueError(f"{where} must be a table")
        self.where, self.data, self.read = where, data, {"enabled"}

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        self.read.add(key)
        value = self.data.get(key, default)
        if value is None:
            return None
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise ValueError(f"{self.where}.{key} must be {names}, not {value!r}")
        return value

    def require(self, key: str, kind: type | tuple[type, ...] = str) -> Any:
        value = self.get(key, kind)
        if value is None or value == "":
            raise ValueError(f"{self.where}.{key} is required")
        return value

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = self.get(key, str, default)
        if value not in options:
            raise ValueError(f"{self.where}.{key} must be one of {', '.join(options)}, "
                             f"not {value!r}")
        return value

    def timeout(self, default: float = DEFAULT_TIMEOUT) -> float:
        value = self.get("timeout", (int, float), default)
        if value <= 0:
            raise ValueError(f"{self.where}.timeout must be more than 0")
        return float(value)

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.read)
        if unknown:
            raise ValueError(f"{self.where}: unknown setting {unknown[0]!r} "
                             f"(known: {', '.join(sorted(self.read - {'enabled'}))})")


def _secret(env: Mapping[str, str], var: str, needed_by: str) -> str:
    value = (env.get(var) or "").strip()
    if not value:
        raise ValueError(f"{var} is not set in the environment (needed by {needed_by})")
    return value


def _keyring_password(user: str) -> str | None:
    try:
        import keyring  # optional: only when installed
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except Exception:  # a locked or absent keyring backend is "no password there"
        return None


def build_email(s: _Section, env: Mapping[str, str], *, use_keyring: bool = True) -> EmailChannel:
    host = s.require("host")
    sender = s.require("sender")
    tls = s.choice("tls", TLS_MODES, "starttls")
    user = s.get("user", str)
    password = None
    if user:
        password = (env.get("RECALL_SMTP_PASSWORD") or "").strip() or \
            (_keyring_password(user) if use_keyring else None)
        if not password:
            raise ValueError(f"RECALL_SMTP_PASSWORD is not set in the environment (needed by "
                             f"{s.where}.user = {user!r})")
    channel = EmailChannel(
        host=host, sender=sender, port=s.get("port", int), tls=tls, user=user,
        password=password, sender_name=s.get("sender_name", str, ""),
        reply_to=s.get("reply_to", str), timeout=s.timeout(30.0), ca_file=s.get("ca_file", str),
    )
    s.done()
    return channel


def build_esms(s: _Section, env: Mapping[str, str]) -> EsmsChannel:
    channel = EsmsChannel(
        api_key=_secret(env, "RECALL_ESMS_API_KEY", s.where),
        secret_key=_secret(env, "RECALL_ESMS_SECRET_KEY", s.where),
        brandname=s.require("brandname"), sms_type=s.get("sms_type", int, 2),
        sandbox=s.get("sandbox", bool, False), callback_url=s.get("callback_url", str),
        base_url=s.get("base_url", str, ESMS_BASE_URL), timeout=s.timeout(),
    )
    s.done()
    return channel


def build_speedsms(s: _Section, env: Mapping[str, str]) -> SpeedSmsChannel:
    channel = SpeedSmsChannel(
        access_token=_secret(env, "RECALL_SPEEDSMS_TOKEN", s.where),
        sender=s.get("sender", str, ""), sms_type=s.get("sms_type", int, 2),
        base_url=s.get("base_url", str, SPEEDSMS_BASE_URL), timeout=s.timeout(),
    )
    s.done()
    return channel


def build_twilio(s: _Section, env: Mapping[str, str]) -> TwilioChannel:
    account_sid = s.get("account_sid", str) or (env.get("RECALL_TWILIO_ACCOUNT_SID") or "")
    if not account_sid.strip():
        raise ValueError(f"{s.where}.account_sid is required (or RECALL_TWILIO_ACCOUNT_SID)")
    from_number = s.get("from", str)
    service = s.get("messaging_service_sid", str)
    if not (from_number or service):
        raise ValueError(f"{s.where}.from (or {s.where}.messaging_service_sid) is required")
    channel = TwilioChannel(
        account_sid=account_sid.strip(),
        auth_token=_secret(env, "RECALL_TWILIO_AUTH_TOKEN", s.where),
        from_number=from_number, messaging_service_sid=service,
        base_url=s.get("base_url", str, TWILIO_BASE_URL), timeout=s.timeout(),
    )
    s.done()
    return channel


def build_http_sms(s: _Section, env: Mapping[str, str]) -> HttpSmsChannel:
    url = s.require("url")
    headers = s.get("headers", Mapping, {})
    body = s.get("body", Mapping)
    uses_key = mentions([url, dict(headers), body], "{key}")
    dedupes = s.get("dedupes_by_reference", bool, False)
    if dedupes and not mentions([url, dict(headers), body], "{id}"):
        raise ValueError(f"{s.where}.dedupes_by_reference needs {{id}} (the message's "
                         "reference) in the url, a header or the body")
    channel = HttpSmsChannel(
        url=url, method=s.get("method", str, "POST"), headers=headers, body=body,
        body_format=s.choice("format", BODY_FORMATS, "json"),
        phone_format=s.choice("phone_format", FORMS, "84"),
        api_key=_secret(env, "RECALL_SMS_HTTP_KEY", s.where) if uses_key else "",
        success_field=s.get("success_field", str),
        success_value=s.get("success_value", (str, int, bool)),
        success_regex=s.get("success_regex", str), id_field=s.get("id_field", str),
        id_regex=s.get("id_regex", str), timeout=s.timeout(),
        dedupes_by_reference=dedupes,
    )
    s.done()
    return channel


SMS_BUILDERS: dict[str, Callable[[_Section, Mapping[str, str]], Channel]] = {
    "esms": build_esms, "speedsms": build_speedsms, "twilio": build_twilio,
    "http": build_http_sms,
}


def build_sms(s: _Section, env: Mapping[str, str]) -> Channel:
    provider = s.require("provider")
    if provider not in SMS_BUILDERS:
        raise ValueError(f"{s.where}.provider must be one of {', '.join(SMS_PROVIDERS)}, "
                         f"not {provider!r}")
    return SMS_BUILDERS[provider](s, env)


def build_zalo(s: _Section, env: Mapping[str, str], *,
               on_tokens: Callable[[ZaloTokens], None] | None = None) -> ZaloChannel:
    app_id = s.get("app_id", str) or (env.get("RECALL_ZALO_APP_ID") or "")
    if not app_id.strip():
        raise ValueError(f"{s.where}.app_id is required (or RECALL_ZALO_APP_ID)")
    channel = ZaloChannel(
        app_id=app_id.strip(), secret_key=_secret(env, "RECALL_ZALO_SECRET_KEY", s.where),
        refresh_token=_secret(env, "RECALL_ZALO_REFRESH_TOKEN", s.where),
        access_token=(env.get("RECALL_ZALO_ACCESS_TOKEN") or "").strip(), on_tokens=on_tokens,
        base_url=s.get("base_url", str, ZNS_BASE_URL),
        oauth_url=s.get("oauth_url", str, OAUTH_BASE_URL), timeout=s.timeout(),
    )
    s.done()
    return channel


def build_channels(settings: Mapping[str, Any], env: Mapping[str, str], *,
                   on_zalo_tokens: Callable[[ZaloTokens], None] | None = None,
                   use_keyring: bool = True) -> dict[str, Channel]:
    """The enabled channels by name ("email", "sms", "zalo"), ready to send."""
    channels: dict[str, Channel] = {}
    for name, data in settings.items():
        if name not in CHANNEL_NAMES and not isinstance(data, Mapping):
            continue  # a plain [channels] setting, not a channel: not ours to read
        section = _Section(f"channels.{name}", data)
        if not section.get("enabled", bool, True):
            continue
        if name == "email":
            channels[name] = build_email(section, env, use_keyring=use_keyring)
        elif name == "sms":
            channels[name] = build_sms(section, env)
        elif name == "zalo":
            channels[name] = build_zalo(section, env, on_tokens=on_zalo_tokens)
        else:
            raise ValueError(f"channels.{name}: unknown channel (known: email, sms, zalo)")
    return channels
