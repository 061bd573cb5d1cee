"""The outbox's SQL: claim due messages with a lease, read what a message needs, record.

A claim is one UPDATE that only one runner can win for a row: it moves ``pending`` rows
that are due (or ``sending`` rows whose lease has run out: their runner died) to
``sending`` with this runner's name and lease. On PostgreSQL the candidate rows are
locked with SKIP LOCKED, so overlapping runners take different rows instead of waiting;
the outer WHERE repeats the condition, so a row another runner took in the meantime is
not taken again. On SQLite the write transaction (BEGIN IMMEDIATE) serialises claims.
Every record is conditional on still holding the lease.

Two statements run before a run claims anything (``housekeeping``):
- ``supersede``: a pending reminder with a later-planned reminder of the same visit that
  is due too becomes ``superseded`` (the rule is ``core.outbox_rules.superseded``; this is
  its statement);
- ``settle_lost``: a message ``in_flight`` (handed to a channel that cannot recognise a
  repeat) whose lease ran out, its run having died mid-send, becomes ``maybe_sent``: shown
  to staff, never sent again behind their back (``core.outbox_rules.after_lost_run``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, exists, func, not_, or_, select

from ..core.outbox_rules import NOT_A_REMINDER_ANY_MORE
from ..core.reminders import MessageMove, MessageStatus, ending, message_move
from .rows import appointment, message, order, patient, patient_phone
from .rows import session as session_t

# Every status written here is the target of a move of core.reminders.MESSAGE_TRANSITIONS,
# and every statement is conditional on the message being in one of the move's states.
SENDING = (MessageStatus.SENDING.value, MessageStatus.IN_FLIGHT.value)  # held by a run
_TO = {m: message_move(m)[1].value for m in MessageMove}


def _sending():
    """Held by a run. Two comparisons rather than IN: an IN list is an "expanding"
    parameter, rendered again at every execution of a statement built once."""
    return or_(message.c.status == SENDING[0], message.c.status == SENDING[1])


def _claimable(now: datetime):
    return or_(and_(message.c.status == MessageStatus.PENDING.value, message.c.due_at <= now),
               and_(message.c.status == MessageStatus.SENDING.value,
                    message.c.lease_until < now))


def claim(conn: Connection, *, now: datetime, lease_until: datetime, runner: str,
          limit: int) -> list:
    """Take up to ``limit`` due messages for ``runner`` until ``lease_until``."""
    pick = select(message.c.id).where(_claimable(now)).order_by(message.c.due_at,
                                                                message.c.id).limit(limit)
    values = {"status": _TO[MessageMove.CLAIM], "lease_until": lease_until, "leased_by": runner,
              "attempts": message.c.attempts + 1}
    if conn.dialect.name == "postgresql":
        # A CTE is evaluated once: the LIMIT holds (an IN (subquery) may be re-run).
        picked = pick.with_for_update(skip_locked=True).cte("picked")
        stmt = (message.update().where(message.c.id == picked.c.id, _claimable(now))
                .values(**values).returning(message.c.id))
    else:
        stmt = (message.update()
                .where(message.c.id.in_(pick.scalar_subquery()), _claimable(now))
                .values(**values).returning(message.c.id))
    ids = [r[0] for r in conn.execute(stmt)]
    if not ids:
        return []
    return list(conn.execute(select(message).where(message.c.id.in_(ids))
                             .order_by(message.c.due_at, message.c.id)))


def due(conn: Connection, *, now: datetime, limit: int = 1000) -> list:
    """What a run would claim now (for ``--dry-run``), superseded reminders left out:
    nothing is changed."""
    return list(conn.execute(select(message).where(_claimable(now), not_(_superseded(now)))
                             .order_by(message.c.due_at, message.c.id).limit(limit)))


# -- before a run claims ----------------------------------------------------------------------

def _planned(m):
    """When a message was planned to go (rows from before migration 0008: its due_at)."""
    return func.coalesce(m.c.planned_at, m.c.due_at)


def _superseded(now: datetime):
    """``core.outbox_rules.superseded`` as a condition on ``message``: a pending, due,
    unexpired reminder with a later-planned reminder of the same visit, due by ``now``,
    that still stands. (status, due_at) is the outbox's index: only due rows are read."""
    later = message.alias("later")
    return and_(message.c.status == "pending", message.c.due_at <= now,
                message.c.kind == "reminder", message.c.expires_at > now,
                exists().where(later.c.appointment_id == message.c.appointment_id,
                               later.c.kind == "reminder",
                               later.c.status.not_in(sorted(NOT_A_REMINDER_ANY_MORE)),
                               _planned(later) > _planned(message),
                               _planned(later) <= now))


SUPERSEDED_NOTE = "a later reminder of this visit was due too"
LOST_NOTE = "its run stopped while sending: maybe delivered, not sent again"


def supersede(conn: Connection, *, now: datetime) -> list:
    """Mark superseded every reminder a later due one replaces; their rows (id, key, kind,
    channel, recipient)."""
    stmt = (message.update().where(_superseded(now))
            .values(status=_TO[MessageMove.SUPERSEDE], lease_until=None,
                    last_error=SUPERSEDED_NOTE)
            .returning(message.c.id, message.c.idempotency_key, message.c.kind,
                       message.c.channel, message.c.recipient))
    return list(conn.execute(stmt))


def would_supersede(conn: Connection, *, now: datetime) -> list:
    """What ``supersede`` would mark (for ``--dry-run``)."""
    return list(conn.execute(select(message).where(_superseded(now))
                             .order_by(message.c.due_at, message.c.id)))


def settle_lost(conn: Connection, *, now: datetime) -> list:
    """Messages in flight when their run died (lease run out): ``maybe_sent``; their rows."""
    stmt = (message.update()
            .where(message.c.status == MessageStatus.IN_FLIGHT.value,
                   message.c.lease_until < now)
            .values(status=_TO[MessageMove.LOSE], lease_until=None, last_error=LOST_NOTE)
            .returning(message.c.id, message.c.idempotency_key, message.c.kind,
                       message.c.channel, message.c.recipient))
    return list(conn.execute(stmt))


def _subject_query():
    """Each message with its appointment, session, order and patient (one row each)."""
    return (select(message,
                   appointment.c.code.label("appt_code"),
                   appointment.c.status.label("appt_status"),
                   appointment.c.day, appointment.c.part, appointment.c.at_time,
                   appointment.c.queue_no, appointment.c.clinic_id, appointment.c.patient_id,
                   appointment.c.previous_id, appointment.c.order_id,
                   session_t.c.starts, session_t.c.ends, order.c.instructions,
                   patient.c.full_name, patient.c.email, patient.c.consent,
                   patient.c.preferred_channels,
                   patient.c.language.label("patient_language"))
            .join(appointment, appointment.c.id == message.c.appointment_id)
            .join(session_t, session_t.c.id == appointment.c.session_id)
            .join(order, order.c.id == appointment.c.order_id)
            .join(patient, patient.c.id == appointment.c.patient_id))


def subject_of(conn: Connection, message_id: int):
    """The message with its appointment, session, order and patient (one row)."""
    return conn.execute(_subject_query().where(message.c.id == message_id)).first()


def subjects(conn: Connection, message_ids: Iterable[int]) -> dict[int, object]:
    """``subject_of`` for many messages in one read: message id -> row."""
    ids = list(message_ids)
    if not ids:
        return {}
    return {r.id: r for r in conn.execute(_subject_query().where(message.c.id.in_(ids)))}


def phones(conn: Connection, patient_id: int) -> list:
    return list(conn.execute(select(patient_phone)
                             .where(patient_phone.c.patient_id == patient_id)
                             .order_by(patient_phone.c.position)))


def phones_of(conn: Connection, patient_ids: Iterable[int]) -> dict[int, list]:
    """``phones`` for many patients in one read: patient id -> their numbers, in order."""
    ids = sorted(set(patient_ids))
    out: dict[int, list] = {i: [] for i in ids}
    if ids:
        for r in conn.execute(select(patient_phone)
                              .where(patient_phone.c.patient_id.in_(ids))
                              .order_by(patient_phone.c.patient_id, patient_phone.c.position)):
            out[r.patient_id].append(r)
    return out


def _held(message_id: int, runner: str):
    return and_(message.c.id == message_id, _sending(), message.c.leased_by == runner)


# Built once: each is run once per message.
_MARK_IN_FLIGHT = (message.update()
                   .where(message.c.id == bindparam("m_id"),
                          message.c.status == MessageStatus.SENDING.value,
                          message.c.leased_by == bindparam("m_runner"))
                   .values(status=_TO[MessageMove.HAND_OVER]))


def mark_in_flight(conn: Connection, message_id: int, runner: str) -> bool:
    """Record that a held message is being handed to a channel that cannot recognise a
    repeat (before the send, in its own transaction): if the run dies now, the message
    becomes ``maybe_sent`` rather than going again."""
    res = conn.execute(_MARK_IN_FLIGHT, {"m_id": message_id, "m_runner": runner})
    return res.rowcount == 1


_MARK_SENT = (message.update()
              .where(message.c.id == bindparam("m_id"), _sending(),
                     message.c.leased_by == bindparam("m_runner"))
              .values(status=_TO[MessageMove.SEND], lease_until=None,
                      sent_at=bindparam("m_sent_at", type_=message.c.sent_at.type),
                      provider_id=bindparam("m_provider_id", type_=message.c.provider_id.type),
                      channel=bindparam("m_channel", type_=message.c.channel.type),
                      recipient=bindparam("m_recipient", type_=message.c.recipient.type)))


def mark_sent(conn: Connection, message_id: int, runner: str, *, now: datetime,
              provider_id: str | None, channel: str, recipient: str) -> bool:
    """Record a message as sent, if ``runner`` still holds it (one UPDATE)."""
    res = conn.execute(_MARK_SENT, {"m_id": message_id, "m_runner": runner, "m_sent_at": now,
                                    "m_provider_id": provider_id, "m_channel": channel,
                                    "m_recipient": recipient})
    return res.rowcount == 1


def finish(conn: Connection, message_id: int, runner: str, *, status: str,
           error: str | None = None) -> bool:
    """End a held message: cancelled, expired, failed (not sent) or maybe_sent (the move
    that ends it so: ``core.reminders.ending``; ValueError for any other status)."""
    values: dict = {"status": _TO[ending(status)], "lease_until": None}
    if error is not None:
        values["last_error"] = error[:500]
    res = conn.execute(message.update().where(_held(message_id, runner)).values(**values))
    return res.rowcount == 1


def retry_later(conn: Connection, message_id: int, runner: str, *, due_at: datetime,
                error: str, channel: str | None = None, recipient: str | None = None,
                reset_attempts: bool = False) -> bool:
    """Give a held message back to the outbox, due again at ``due_at`` (maybe on another
    channel)."""
    values: dict = {"status": _TO[MessageMove.RETRY], "due_at": due_at, "lease_until": None,
                    "leased_by": None, "last_error": error[:500]}
    if channel is not None:
        values.update(channel=channel, recipient=recipient)
    if reset_attempts:
        values["attempts"] = 0
    res = conn.execute(message.update().where(_held(message_id, runner)).values(**values))
    return res.rowcount == 1


def release(conn: Connection, message_ids: list[int], runner: str) -> int:
    """Give back held messages not yet tried (their attempt is not counted)."""
    if not message_ids:
        return 0
    res = conn.execute(message.update().where(
        message.c.id.in_(message_ids), message.c.status == MessageStatus.SENDING.value,
        message.c.leased_by == runner).values(
        status=_TO[MessageMove.GIVE_BACK], lease_until=None, leased_by=None,
        attempts=message.c.attempts - 1))
    return res.rowcount


def counts(conn: Connection) -> dict[str, int]:
    return {r[0]: int(r[1]) for r in conn.execute(
        select(message.c.status, func.count()).group_by(message.c.status))}
