"""The new-patient form (validated by the patients service)."""

from __future__ import annotations

from ..forms import patient_form_values
from ..i18n import t
from .form import FormScreen, Spec


def register_form(app, *, name: str = "") -> FormScreen:
    now = app.now()

    def act(ctx, v):
        from ...services.patients import add

        phones, kw = patient_form_values(v)
        return add(ctx, name=v["name"], phones_in=phones, sex=v["sex"] or None,
                   bhyt=v["bhyt"] or None, now=now, **kw)

    looks_like_name = name and not any(c.isdigit() for c in name)
    return FormScreen(t("register"), [
        Spec("name", t("f.name"), name if looks_like_name else ""),
        Spec("phone", t("f.phone")), Spec("born", t("f.born")),
        Spec("sex", t("f.sex"), "", [(t("sex.none"), ""), (t("sex.M"), "M"), (t("sex.F"), "F")]),
        Spec("caregiver", t("f.caregiver")), Spec("caregiver_name", t("f.caregiver_name")),
        Spec("bhyt", t("f.bhyt")),
    ], act, id="register-form")
