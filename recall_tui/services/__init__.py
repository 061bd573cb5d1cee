"""Use cases: one function, keyword arguments, one transaction; returns plain results or
raises a domain error (recall_tui.core.errors) with a reason in both languages."""
