"""Issue 11, items 5 and 6: every bad input gets a clear message and an exit code for input
(1 bad value, 2 usage, 3 refused), never "unexpected error" (4); 4 is kept for a broken
environment, said with what to do. Text has limits per field, named when passed."""

from __future__ import annotations

import pytest

from .conftest import NOW, error_of, j

pytestmark = pytest.mark.storage

BIG = "x" * 100_000


def _short(out: str, err: str) -> None:
    assert len(out) + len(err) < 1000 and "Traceback" not in out + err
    assert "unexpected" not in out + err


@pytest.mark.parametrize("option,field", [("--name", "name"), ("--email", "email"),
                                          ("--bhyt", "bhyt"), ("--cccd", "cccd"),
                                          ("--address", "address")])
def test_a_100_kb_field_is_refused_naming_it(recall, option, field):
    args = ["patient", "add", "--now", NOW, "--json"]
    if option != "--name":
        args += ["--name", "Lê Văn A"]
    code, out, err = recall(*args, option, BIG)
    assert code == 1, out
    e = error_of(out)
    assert e["field"] == field and e["code"] == "text.too_long"
    _short(out, err)
    code, out, _ = recall("patient", "search", "le van a", "--json")
    assert j(out) == []


def test_limits_apply_after_the_edge_too(recall):
    """A name short enough for the command line's edge but over the name's limit."""
    code, out, _ = recall("patient", "add", "--name", "Lê " + "a" * 200, "--now", NOW, "--json")
    assert code == 1 and error_of(out)["field"] == "name"


@pytest.mark.parametrize("email", ["<script>@x.vn", "a b@x.vn", "x@y", "\"q\"@x.vn",
                                   "a@-x.vn", "a@x.v"])
def test_an_address_that_is_not_an_email_is_refused(recall, email):
    code, out, _ = recall("patient", "add", "--name", "Lê Văn A", "--email", email, "--now",
                          NOW, "--json")
    assert code == 1 and error_of(out)["field"] == "email"


def test_booking_is_bounded_to_two_years_ahead(recall):
    code, out, _ = recall("patient", "add", "--name", "Lê Văn A", "--now", NOW, "--json")
    mrn = j(out)["mrn"]
    code, out, err = recall("book", "--patient", mrn, "--clinic", "NOI", "--date", "+9999",
                            "--session", "morning", "--now", NOW, "--json")
    assert code == 3, out
    e = error_of(out)
    assert e["code"] == "date.horizon" and e["field"] == "date" and "2 năm" in e["message"]
    code, out, _ = recall("order", "add", "--patient", mrn, "--clinic", "NOI", "--target",
                          "2199-01-01", "--now", NOW, "--json")
    assert code == 3 and error_of(out)["code"] == "order.horizon"


@pytest.mark.parametrize("args,field", [
    (["today", "--date", "9999-12-31"], "date"),
    (["today", "--now", "9999-12-31T23:59"], "now"),
    (["sessions", "--now", "9999-12-31T23:59"], "now"),
    (["remind", "--dry-run", "--now", "9999-12-31T23:59"], "now"),
    (["stats", "--from", "0001-01-01"], "from"),
    (["patient", "search", BIG], "query"),
    (["patient", "search", "a" * 500], "query"),
    (["today", "--date", "x" * 5000], "date"),
])
def test_far_dates_and_huge_text_are_input_problems(recall, args, field):
    code, out, err = recall(*args, "--json")
    assert code == 1, (out, err)
    assert error_of(out)["field"] in (field, "argument")  # a positional: "argument"
    _short(out, err)


@pytest.mark.parametrize("args", [
    ["remind", "--dry-run", "--limit", "99999999999999999999999"],
    ["patient", "search", "x", "--limit", "99999999999999999999999"],
    ["book", "--patient", "TS1", "--order", "99999999999999999999999", "--suggest"],
    ["risk", "score", "--days", "99999999999999999999"],
])
def test_numbers_beyond_64_bits_are_usage_or_input_errors(recall, args):
    code, out, err = recall(*args)
    assert code in (1, 2), (out, err)
    _short(out, err)


def test_backup_to_a_place_that_cannot_be_written_is_an_input_problem(recall, db_url):
    if not db_url.startswith("sqlite"):
        code, out, _ = recall("backup", "/tmp/x.db", "--json")
        assert code == 1 and "pg_dump" in error_of(out)["message"]
        return
    for dest in ("/proc/recall.db", "/proc/self/status/x.db", "/"):
        code, out, err = recall("backup", dest, "--json")
        assert code == 1, (dest, out, err)
        assert error_of(out)["field"] == "file"
