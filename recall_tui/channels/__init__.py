"""Ways to reach a patient, one module each, behind the interface in ``base``.

``email`` (SMTP through yagmail, with the ``ics`` invitation), ``zalo`` (ZNS), and SMS
through ``esms``, ``speedsms``, ``twilio`` or any ``http_sms`` gateway; ``registry`` builds
the enabled ones from recall.toml and the environment.
"""
