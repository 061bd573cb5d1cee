"""File formats recall exchanges with other systems: the insurance XML of Quyết định
130/QĐ-BYT (as amended by 4750/QĐ-BYT) and FHIR R4. Pure formats: they read and write plain
dataclasses, and know nothing of the database or the use cases."""
