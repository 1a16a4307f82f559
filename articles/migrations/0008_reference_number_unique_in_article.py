"""One number per reference in an article, from 1 to 999 (the highest a citation can name),
with no default: admin numbers a reference left without one after the others."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_renumber_duplicate_references")]

    operations = [
        migrations.AlterField(
            model_name="reference",
            name="position",
            field=models.PositiveSmallIntegerField(
                help_text="Its number in the list; the body cites it as [number].",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(999),
                ],
                verbose_name="number",
            ),
        ),
        migrations.AddConstraint(
            model_name="reference",
            constraint=models.UniqueConstraint(
                fields=("article", "position"), name="reference_number_unique_in_article"
            ),
        ),
    ]
