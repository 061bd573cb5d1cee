"""The desk app (Textual)."""
