"""schema.org JSON-LD for article pages, so search engines see who wrote and reviewed them, and
for the clinic's own pages: the team, each clinician, and the clinic with its opening hours."""

from django.conf import settings

# schema.org types of the clinic: a clinic, and a physiotherapy practice.
CLINIC_TYPES = ["MedicalClinic", "Physiotherapy"]
HCPC = {
    "@type": "Organization",
    "name": "Health and Care Professions Council",
    "alternateName": "HCPC",
    "url": "https://www.hcpc-uk.org/",
}


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
        "author": {
            **_person(article.author),
            "url": settings.SITE_URL + article.author.get_absolute_url(),
        },
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


def _clinic_reference() -> dict:
    return {
        "@type": CLINIC_TYPES,
        "name": settings.CLINIC["name"],
        "url": settings.SITE_URL + "/",
    }


def clinician_person(clinician) -> dict:
    """A clinician as a Person: role, post-nominals, and their HCPC registration, which
    patients (and search engines) can check on the regulator's public register."""
    person = {
        **_person(clinician),
        "url": settings.SITE_URL + clinician.get_absolute_url(),
        "worksFor": _clinic_reference(),
    }
    if clinician.bio:
        person["description"] = clinician.bio
    if clinician.photo:
        person["image"] = settings.SITE_URL + clinician.photo.url
    if clinician.hcpc_number:
        person["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "HCPC registration number",
            "value": clinician.hcpc_number,
        }
        person["hasCredential"] = {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "Professional registration",
            "name": f"HCPC registered {clinician.role or 'practitioner'}".strip(),
            "identifier": clinician.hcpc_number,
            "recognizedBy": HCPC,
        }
    return person


def clinician_json_ld(clinician) -> dict:
    return {"@context": "https://schema.org", **clinician_person(clinician)}


def team_json_ld(clinicians) -> dict:
    return {
        "@context": "https://schema.org",
        **_clinic_reference(),
        "employee": [clinician_person(clinician) for clinician in clinicians],
    }


def clinic_json_ld(*, url: str, week, closed_days) -> dict:
    """The clinic, its address and contact details, and its opening hours, as the visit page
    shows them (bookings/opening_hours.py): `week` is [(day name, [(opens, closes), ...]), ...]
    in clinic time, `closed_days` [(first day, last day), ...] the whole days it is closed."""
    clinic = settings.CLINIC
    return {
        "@context": "https://schema.org",
        **_clinic_reference(),
        "url": url,
        "telephone": clinic["phone"],
        "email": clinic["email"],
        "address": {
            "@type": "PostalAddress",
            "streetAddress": clinic["address"],
            "addressCountry": "GB",
        },
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{day}",
                "opens": f"{opens:%H:%M}",
                "closes": f"{closes:%H:%M}",
            }
            for day, ranges in week
            for opens, closes in ranges
        ],
        # Closed all day reads as opening and closing at midnight, from one day to the other.
        "specialOpeningHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "validFrom": first_day.isoformat(),
                "validThrough": last_day.isoformat(),
                "opens": "00:00",
                "closes": "00:00",
            }
            for first_day, last_day in closed_days
        ],
    }
