"""The site's five regions, and which one an ISO 3166-1 country belongs to.

Keyed on django-countries' codes: every country it lists has exactly one region
(tests/membership_forms/test_regions.py holds that). Codes it does not list (XK, user-assigned, is
not in ISO 3166-1 nor in django-countries) have none: a form cannot take them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REGIONS = {
    "africa": _("Africa"),
    "americas": _("Americas"),
    "asia-pacific": _("Asia-Pacific"),
    "europe": _("Europe"),
    "middle-east-north-africa": _("Middle East and North Africa"),
}

# fmt: off
_MEMBERS = {
    "middle-east-north-africa": (
        "AE BH DZ EG EH IL IQ IR JO KW LB LY MA OM PS QA SA SY TN TR YE"
    ),
    "africa": (
        "AO BF BI BJ BW CD CF CG CI CM CV DJ ER ET GA GH GM GN GQ GW KE KM LR LS MG ML MR MU MW"
        " MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TZ UG YT ZA ZM ZW"
    ),
    "americas": (
        "AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GS GT GY HN"
        " HT JM KN KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI"
    ),
    "asia-pacific": (
        "AF AQ AS AU BD BN BT CC CK CN CX FJ FM GU HK HM ID IN IO JP KG KH KI KP KR KZ LA LK MH"
        " MM MN MO MP MV MY NC NF NP NR NU NZ PF PG PH PK PN PW SB SG TF TH TJ TK TL TM TO TV"
        " TW UM UZ VN VU WF WS"
    ),
    "europe": (
        "AD AL AM AT AX AZ BA BE BG BV BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU IE"
        " IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA"
    ),
}
# fmt: on
COUNTRY_REGIONS = {code: region for region, codes in _MEMBERS.items() for code in codes.split()}


def region_for(country: str) -> str:
    """The region slug of an ISO country code, or "" when unknown."""
    return COUNTRY_REGIONS.get((country or "").upper(), "")
