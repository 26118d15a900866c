"""A valid answer to each kind of form, as a visitor would send it (the rules accept it)."""

from datetime import date

from membership_forms.terms import add_months, open_terms


def valid_payload(kind: str) -> dict:
    today = date.today()
    if kind in ("membership", "supporter"):
        return {
            "organisation_name": "Peace Works <b>Network</b>",
            "organisation_type": "ngo",
            "mandate": "Prevention of atrocity crimes.\nEarly warning.",
            "headquarters": "Nairobi",
            "headquarters_country": "KE",
            "operations": "East Africa",
            "legally_registered": True,
            "government_controlled": False,
            "independent": True,
            "endorses_common_understanding": True,
            "has_rtop_programme": True,
            "willing_to_commit": True,
            "sectors": ["peacebuilding", "human_rights"],
            "website": "https://peace.example.org",
            "contact_name": "Amina Odhiambo",
            "contact_email": "amina@example.org",
        }
    if kind == "internship":
        start = add_months(today, 2)
        return {
            "full_name": "Lucía Pérez",
            "email": "lucia@example.org",
            "term": open_terms(today)[0],
            "availability": "full_time",
            "start_date": start.isoformat(),
            "end_date": add_months(start, 3).isoformat(),
            "study_level": "graduate",
            "field_of_study": "International law",
            "english_proficiency": "fluent",
            "other_languages": ["es", "fr"],
        }
    if kind == "donation":
        return {
            "amount": "50.00",
            "currency": "USD",
            "frequency": "one_time",
            "donor_name": "Sam Lee",
            "donor_email": "sam@example.org",
        }
    if kind == "contact":
        return {
            "name": "Nadia Haddad",
            "email": "nadia@example.org",
            "organisation": "Forum of Civil Society",
            "subject": "A regional network",
            "message": "How can a regional network of NGOs apply to join the Coalition?",
        }
    return {"email": "reader@example.org", "name": "Reader"}
