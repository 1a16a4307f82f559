"""schema.org JSON-LD for article pages, so search engines see who wrote and reviewed them."""

from django.conf import settings


def _person(clinician) -> dict:
    person = {"@type": "Person", "name": clinician.name}
    if clinician.role:
        person["jobTitle"] = clinician.role
    if clinician.credentials:
        person["honorificSuffix"] = clinician.credentials
    return person


def article_json_ld(article) -> dict:
    url = settings.SITE_URL + article.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.title,
        "description": article.summary,
        "inLanguage": "en-GB",
        "author": _person(article.author),
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "publisher": {"@type": "MedicalClinic", "name": settings.CLINIC["name"]},
        "about": [{"@type": "Thing", "name": topic.name} for topic in article.topics.all()],
        "citation": [
            {
                "@type": "CreativeWork",
                "name": reference.title,
                "author": {"@type": "Organization", "name": reference.author},
                "datePublished": str(reference.year),
                "url": reference.url,
            }
            for reference in article.references.all()
        ],
    }
    if article.last_reviewed:
        data["lastReviewed"] = article.last_reviewed.isoformat()
    if article.reviewed_by:
        data["reviewedBy"] = _person(article.reviewed_by)
    if article.hero_size:
        data["image"] = settings.SITE_URL + article.hero_image.url
    return data
