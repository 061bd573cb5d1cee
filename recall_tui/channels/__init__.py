"""Ways to reach a patient, one module each, behind the interface in ``base``."""
