"""A GIN index for full-text search on PostgreSQL (SQLite searches without one).

The indexed expression is the one ArticleQuerySet.search() builds, so the planner can use it.
"""

from django.db import migrations

SEARCH_VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B'))"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS article_search ON articles_article "
            f"USING gin (({SEARCH_VECTOR}))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search")


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_clinical_reviewers_record_reviews")]

    operations = [migrations.RunPython(create_index, drop_index)]
