"""Local stand-ins for the providers, speaking their published APIs on 127.0.0.1.

Each fake checks a request the way its provider's documentation describes it and answers
with the documented success and error shapes. ``localhost-test-only.pem`` is a self-signed
certificate and key for 127.0.0.1, made for these tests and trusted nowhere else.
"""
