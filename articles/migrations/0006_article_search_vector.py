"""Store each article's full-text search vector, so PostgreSQL ranks matches without
recomputing the vector of every matching article; the GIN index moves onto the column."""

import django.contrib.postgres.search
from django.db import migrations

SEARCH_VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B'))"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')"
)


def index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS article_search")
    schema_editor.execute(f"UPDATE articles_article SET search_vector = {SEARCH_VECTOR}")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS article_search_vector ON articles_article "
        "USING gin (search_vector)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_vector")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS article_search ON articles_article "
            f"USING gin (({SEARCH_VECTOR}))"
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_article_search_index")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(index_and_fill, drop_index),
    ]
