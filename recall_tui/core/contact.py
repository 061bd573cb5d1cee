"""How to reach a patient: channels in their order of preference, with consent.

Pure: given what is known of a patient, the (channel, recipient) pairs to try, in order.
The sender falls over to the next pair on a permanent failure.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


class Channel(enum.StrEnum):
    ZALO = "zalo"
    SMS = "sms"
    EMAIL = "email"


DEFAULT_ORDER = (Channel.ZALO, Channel.SMS, Channel.EMAIL)


@dataclass(frozen=True)
class Phone:
    e164: str
    label: str = "self"  # self | caregiver | other
    name: str = ""  # the caregiver's name, when given


@dataclass(frozen=True)
class Route:
    channel: Channel
    recipient: str


def routes(*, phones: Sequence[Phone], email: str | None, preferred: Sequence[str] = (),
           consent: Mapping[str, bool] | None = None,
           enabled: Iterable[str] = tuple(DEFAULT_ORDER)) -> list[Route]:
    """Channels that work for this patient, in their order (the clinic's order otherwise).

    A channel needs the patient's consent (absent means given, as at booking the desk asks)
    and an address: the patient's own phone first, else the caregiver's.
    """
    consent = consent or {}
    enabled_set = {Channel(c) for c in enabled}
    order: list[Channel] = []
    for name in list(preferred) + [c.value for c in DEFAULT_ORDER]:
        try:
            ch = Channel(name)
        except ValueError:
            continue
        if ch not in order:
            order.append(ch)
    phone = next((p.e164 for p in phones if p.label == "self"), None) or \
        next((p.e164 for p in phones), None)
    out = []
    for ch in order:
        if ch not in enabled_set or consent.get(ch.value) is False:
            continue
        if ch in (Channel.ZALO, Channel.SMS) and phone:
            out.append(Route(ch, phone))
        elif ch is Channel.EMAIL and email:
            out.append(Route(ch, email))
    return out
