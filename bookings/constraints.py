"""A database guarantee that differs by database: PostgreSQL refuses overlapping bookings with
an exclusion constraint; SQLite has none, so there the constraint emits no SQL and the
portable unique constraint beside it, with the service's check inside a write transaction,
stands guard (docs/bookings.md, "No slot is booked twice")."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.db import DEFAULT_DB_ALIAS, connections


class PostgreSQLExclusionConstraint(ExclusionConstraint):
    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def check(self, model, connection):
        if connection.vendor != "postgresql":
            return []
        return super().check(model, connection)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if connections[using].vendor != "postgresql":
            return
        super().validate(model, instance, exclude=exclude, using=using)
