"""recall: the follow-up appointment manager for clinic front desks."""

__version__ = "0.1.0"
