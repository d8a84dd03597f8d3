# English as the portal has always written it ("December 2, 2026" in sentences, "Dec 2, 2026"
# in tables), in place of Django's AP style ("Dec. 2, 2026", "12/02/2026"). Templates ask for
# these by name (DATE_FORMAT, SHORT_DATE_FORMAT, ...), so each language keeps its own order.
DATE_FORMAT = "F j, Y"
SHORT_DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "F j, Y, g:i a"
SHORT_DATETIME_FORMAT = "M j, Y, g:i a"
YEAR_MONTH_FORMAT = "F Y"
