"""Before one number per reference is enforced (0008): where an article has two or more
references with the same number, the first (in list order) keeps it and the others get the
article's next free numbers. Citations keep reaching what they reached: a link to #ref-N went
to the first entry with that number."""

from django.db import migrations
from django.db.models import Count, Max


def renumber_duplicates(apps, schema_editor):
    Reference = apps.get_model("articles", "Reference")
    clashes = {
        row["article_id"]
        for row in Reference.objects.order_by()
        .values("article_id", "position")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
    }
    for article_id in sorted(clashes):
        references = Reference.objects.filter(article_id=article_id).order_by("position", "id")
        next_number = references.aggregate(highest=Max("position"))["highest"] + 1
        seen = set()
        for reference in references:
            if reference.position in seen:
                reference.position, next_number = next_number, next_number + 1
                reference.save(update_fields=["position"])
            seen.add(reference.position)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_article_search_vector")]

    operations = [migrations.RunPython(renumber_duplicates, migrations.RunPython.noop)]
