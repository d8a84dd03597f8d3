"""Django's month and day names (django/utils/dates.py), marked again here with the same
msgids and contexts so that makemessages keeps them in the project's catalogs: Django's own
catalogs have none for Somali or Hmong, and without them their dates would read in English.
Nothing imports this module; it only feeds makemessages.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

WEEKDAYS = {
    0: gettext_noop("Monday"),
    1: gettext_noop("Tuesday"),
    2: gettext_noop("Wednesday"),
    3: gettext_noop("Thursday"),
    4: gettext_noop("Friday"),
    5: gettext_noop("Saturday"),
    6: gettext_noop("Sunday"),
}
WEEKDAYS_ABBR = {
    0: gettext_noop("Mon"),
    1: gettext_noop("Tue"),
    2: gettext_noop("Wed"),
    3: gettext_noop("Thu"),
    4: gettext_noop("Fri"),
    5: gettext_noop("Sat"),
    6: gettext_noop("Sun"),
}
MONTHS = {
    1: gettext_noop("January"),
    2: gettext_noop("February"),
    3: gettext_noop("March"),
    4: gettext_noop("April"),
    5: gettext_noop("May"),
    6: gettext_noop("June"),
    7: gettext_noop("July"),
    8: gettext_noop("August"),
    9: gettext_noop("September"),
    10: gettext_noop("October"),
    11: gettext_noop("November"),
    12: gettext_noop("December"),
}
MONTHS_3 = {
    1: gettext_noop("jan"),
    2: gettext_noop("feb"),
    3: gettext_noop("mar"),
    4: gettext_noop("apr"),
    5: gettext_noop("may"),
    6: gettext_noop("jun"),
    7: gettext_noop("jul"),
    8: gettext_noop("aug"),
    9: gettext_noop("sep"),
    10: gettext_noop("oct"),
    11: gettext_noop("nov"),
    12: gettext_noop("dec"),
}
MONTHS_AP = {  # month names in Associated Press style
    1: pgettext_lazy("abbrev. month", "Jan."),
    2: pgettext_lazy("abbrev. month", "Feb."),
    3: pgettext_lazy("abbrev. month", "March"),
    4: pgettext_lazy("abbrev. month", "April"),
    5: pgettext_lazy("abbrev. month", "May"),
    6: pgettext_lazy("abbrev. month", "June"),
    7: pgettext_lazy("abbrev. month", "July"),
    8: pgettext_lazy("abbrev. month", "Aug."),
    9: pgettext_lazy("abbrev. month", "Sept."),
    10: pgettext_lazy("abbrev. month", "Oct."),
    11: pgettext_lazy("abbrev. month", "Nov."),
    12: pgettext_lazy("abbrev. month", "Dec."),
}
MONTHS_ALT = {  # required for long date representation by some locales
    1: pgettext_lazy("alt. month", "January"),
    2: pgettext_lazy("alt. month", "February"),
    3: pgettext_lazy("alt. month", "March"),
    4: pgettext_lazy("alt. month", "April"),
    5: pgettext_lazy("alt. month", "May"),
    6: pgettext_lazy("alt. month", "June"),
    7: pgettext_lazy("alt. month", "July"),
    8: pgettext_lazy("alt. month", "August"),
    9: pgettext_lazy("alt. month", "September"),
    10: pgettext_lazy("alt. month", "October"),
    11: pgettext_lazy("alt. month", "November"),
    12: pgettext_lazy("alt. month", "December"),
}
# django/utils/dateformat.py: the "a", "A" and "P" formats.
TIMES_OF_DAY = [
    gettext_noop("a.m."),
    gettext_noop("p.m."),
    gettext_noop("AM"),
    gettext_noop("PM"),
    gettext_noop("midnight"),
    gettext_noop("noon"),
]
