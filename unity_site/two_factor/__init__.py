"""Two-factor sign-in for staff: a code from an authenticator app (TOTP, django-otp) after the
password. Who must use one, and how staff are enrolled: docs/security.md, "Two-factor sign-in".

Imports no app of the project's own (articles, bookings): what it needs from them is a
permission name.
"""
