"""Arabic date and time formats: Django's leave DATETIME_FORMAT to English ("N j, Y, P")
and give times on a 12-hour clock; the Coalition's Arabic pages use the day, the month's
name and the year, and a 24-hour clock, as the United Nations' Arabic documents do."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d\u200f/m\u200f/Y"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
