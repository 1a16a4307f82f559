"""Admin list filters whose choices are QuerySet methods, so the query lives with the model."""

from django.contrib import admin


class QuerySetMethodFilter(admin.SimpleListFilter):
    """Subclasses set `options`: [(value in the URL, label, name of a QuerySet method)]."""

    options: list[tuple[str, str, str]] = []

    def lookups(self, request, model_admin):
        return [(value, label) for value, label, _ in self.options]

    def queryset(self, request, queryset):
        for value, _, method in self.options:
            if self.value() == value:
                return getattr(queryset, method)()
        return queryset
