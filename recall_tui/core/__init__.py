"""The pure domain core: rules only, no I/O, no framework, no storage."""
