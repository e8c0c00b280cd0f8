"""Texts the pages show for codes and enum values; translated where they are shown."""

from kezek.web.i18n import N_

# Refusals by their stable code (kezek.errors and the domains' errors.py).
ERROR_TEXT = {
    "invalid_credentials": N_("Wrong login or password."),
    "too_many_attempts": N_("Too many attempts. Try again in %(seconds)s seconds."),
    "account_disabled": N_("This account is disabled. Contact the administrator."),
    "not_authenticated": N_("Log in to see this page."),
    "forbidden": N_("Your role does not give access to this page."),
    "csrf_failed": N_(
        "The form is out of date or did not come from this site. Reload the page and try again."
    ),
    "not_found": N_("There is no such page."),
    "crossing_not_found": N_("There is no such border crossing."),
    "schedule_exception_not_found": N_("This schedule exception no longer exists."),
    "outside_horizon": N_("This date is outside the booking horizon of the crossing."),
    "category_not_served": N_("This crossing has no capacity for this vehicle category."),
    "login_taken": N_("This login is already taken; choose another one."),
    "national_id_taken": N_("A person or company with this identifier is already registered."),
    "invalid_iin": N_("This IIN is not valid: check the digits."),
    "invalid_bin": N_("This BIN is not valid: check the digits."),
    "invalid_role": N_("This role cannot be chosen at registration."),
    "validation_error": N_("Some fields are missing or invalid."),
    "invalid_input": N_("Some fields are missing or invalid."),
    "conflict": N_("Someone changed this at the same time. Reload the page and try again."),
    "busy": N_("The system is busy. Try again in a moment."),
    "internal_error": N_("Something went wrong on our side. It has been logged."),
}
GENERIC_ERROR = N_("The request cannot be processed.")

ERROR_TITLE = {
    400: N_("The request cannot be processed"),
    401: N_("Please log in"),
    403: N_("Access denied"),
    404: N_("Not found"),
    409: N_("Conflict"),
    422: N_("Check the form"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
}

ROLE = {
    "carrier": N_("Carrier / vehicle owner"),
    "driver": N_("Driver"),
    "intermediary": N_("Intermediary"),
    "operator": N_("Border post operator"),
    "analyst": N_("Analyst"),
    "admin": N_("Administrator"),
}

IDENTITY_STATUS = {
    "unverified": N_("Not verified yet"),
    "verified": N_("Verified"),
    "rejected": N_("Rejected"),
}

DIRECTION = {"exit": N_("Exit"), "entry": N_("Entry")}

EXCEPTION_KIND = {
    "closed": N_("Closed"),
    "hours": N_("Other hours"),
    "extend": N_("Hours extended"),
}

CATEGORY = {"truck": N_("Trucks"), "car": N_("Cars"), "bus": N_("Buses"), "any": N_("Any vehicle")}

# Field checks, by the type of the Pydantic error.
VALIDATION = {
    "missing": N_("This field is required."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "date_parsing": N_("Enter a date."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_type": N_("Enter a date."),
    "greater_than_equal": N_("The smallest allowed value is %(ge)s."),
    "less_than_equal": N_("The largest allowed value is %(le)s."),
    "string_too_short": N_("This is too short."),
    "string_too_long": N_("This is too long (at most %(max_length)s characters)."),
    "string_pattern_mismatch": N_("The format is not valid."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "bool_parsing": N_("Choose yes or no."),
}

# Better words for some fields than the generic ones above.
FIELD_FORMAT = {
    "login": N_("3 to 64 characters: Latin letters, digits, dot, dash or underscore."),
    "password": N_("At least 10 characters."),
    "full_name": N_("Enter the full name (at least 2 letters)."),
    "iin": N_("An IIN has exactly 12 digits."),
    "passport_number": N_("5 to 20 Latin letters or digits."),
    "passport_country": N_("A two-letter country code, for example CN or RU."),
    "company_bin": N_("A BIN has exactly 12 digits."),
    "company_name": N_("Enter the company name (at least 2 letters)."),
}

# The schemas' own rules (their ValueError texts): the field to mark and what to say there.
RULES = {
    "give either an IIN or a passport number and country, not both": (
        "iin",
        N_("Give either an IIN or a passport, not both."),
    ),
    "give an IIN, or a passport number with its country": (
        "iin",
        N_("Give an IIN, or a passport number with its country."),
    ),
    "citizens of Kazakhstan register with their IIN": (
        "passport_country",
        N_("Citizens of Kazakhstan register with their IIN."),
    ),
    "date_to is before date_from": ("date_to", N_("The end date is before the start date.")),
    "other hours need open_hour and close_hour": (
        "open_hour",
        N_("Other hours need an opening and a closing hour."),
    ),
    "open_hour must be before close_hour": (
        "open_hour",
        N_("The opening hour must be before the closing hour."),
    ),
    "an extension needs extend_hours (e.g. 2, or -2 to shorten)": (
        "extend_hours",
        N_("Give the number of hours to add (for example 2, or -2 to shorten)."),
    ),
}
