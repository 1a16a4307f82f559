from django.conf import settings


def site(request):
    """What every page needs to describe itself: the clinic and its canonical address."""
    return {
        "clinic": settings.CLINIC,
        "site_url": settings.SITE_URL,
        "canonical_url": settings.SITE_URL + request.path,
    }
