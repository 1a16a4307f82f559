from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing import read_article_files
from articles.services import article_import


class Command(BaseCommand):
    help = (
        "Import articles from Markdown files with YAML front matter. An article whose slug "
        "already exists is updated. If any file is invalid, nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")

    def handle(self, *args, files, **options):
        documents, errors = read_article_files(files)
        if errors:
            raise CommandError(
                "Nothing was imported. Fix these and run again:\n"
                + "\n".join(f"  {error}" for error in errors)
            )
        articles = article_import(documents=documents)
        for article in articles:
            self.stdout.write(f"Imported {article.slug} ({article.get_status_display().lower()})")
        self.stdout.write(self.style.SUCCESS(f"{len(articles)} article(s) imported."))
