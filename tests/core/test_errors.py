"""Domain errors: a reason in both languages, and the exit code an entry point uses."""

from __future__ import annotations

from recall_tui.core.errors import BadInput, DomainError, NotFound, Refused


def test_exit_codes():
    assert BadInput("x", "vi").exit_code == 1
    assert NotFound("x", "vi").exit_code == 1
    assert Refused("x", "vi").exit_code == 3
    assert all(issubclass(c, DomainError) for c in (BadInput, NotFound, Refused))


def test_messages_in_both_languages():
    err = Refused("session.full", "Buổi khám đã đủ chỗ.", "The session is full.",
                  field="session", details={"capacity": 30})
    assert str(err) == "The session is full."
    assert err.message() == "Buổi khám đã đủ chỗ."
    assert err.message("en") == "The session is full."
    assert err.as_dict() == {"code": "session.full", "field": "session",
                             "message": "The session is full.", "details": {"capacity": 30}}
    assert err.as_dict("vi")["message"] == "Buổi khám đã đủ chỗ."


def test_english_defaults_to_vietnamese():
    err = BadInput("x", "Sai.")
    assert err.en == "Sai." and err.details == {} and err.field is None
    assert "details" not in err.as_dict()
