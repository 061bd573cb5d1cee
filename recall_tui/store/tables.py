"""The tables as Core ``Table`` objects, taken from the SQLModel models in ``models.py``.

Queries in ``store/`` are SQLAlchemy Core statements built from these (the hot paths stay
Core); the models are the one declaration of the schema and the records the store returns.
Alembic compares the migrations with ``metadata``.
"""

from __future__ import annotations

from sqlalchemy import Table

from . import models as m

metadata = m.metadata

clinic: Table = m.Clinic.__table__
doctor: Table = m.Doctor.__table__
session: Table = m.ClinicSession.__table__
patient: Table = m.Patient.__table__
patient_phone: Table = m.PatientPhone.__table__
name_token: Table = m.NameToken.__table__
counter: Table = m.Counter.__table__
order: Table = m.FollowUpOrder.__table__
appointment: Table = m.Appointment.__table__
event: Table = m.Event.__table__
message: Table = m.Message.__table__
inbound_reply: Table = m.InboundReply.__table__
outreach_task: Table = m.OutreachTask.__table__
call_attempt: Table = m.CallAttempt.__table__
his_slip: Table = m.HisSlip.__table__
his_patient: Table = m.HisPatient.__table__
fhir_link: Table = m.FhirLink.__table__
