"""Texts the pages show for codes and enum values; translated where they are shown."""

from kezek.web.i18n import N_

# Refusals by their stable code (kezek.errors and the domains' errors.py).
ERROR_TEXT = {
    "invalid_credentials": N_("Wrong login or password."),
    "too_many_attempts": N_("Too many attempts. Try again in %(seconds)s seconds."),
    "login_unavailable": N_("Logging in is paused for a minute on our side. Try again shortly."),
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

# The booking form's vehicle groups, by why the person may book (kezek.booking.bookable.Ground).
GROUNDS = (
    ("owner", N_("Your vehicles")),
    ("attorney", N_("Under a power of attorney")),
    ("driver", N_("As an insured driver")),
)

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

# --- bookings and the account statement (web/pages/bookings.py, statement.py) ---------------

ERROR_TEXT.update(
    {
        "booking_not_found": N_("There is no such booking among yours."),
        "vehicle_not_found": N_("Choose one of your vehicles."),
        "slot_full": N_("This hour is fully booked. Choose another hour."),
        "quota_full": N_("The day's quota for this kind of passage is used up."),
        "vehicle_already_booked": N_(
            "This vehicle already holds an active booking in this direction."
        ),
        "booking_not_active": N_("This booking is no longer active."),
        "arrival_window_closed": N_(
            "The arrival window of this booking has closed; it will be marked as a no-show."
        ),
        "driver_already_added": N_("This driver is already on the booking."),
        "slot_closed": N_("The crossing is closed in this hour."),
        "booking_closed": N_("Booking for this hour has closed. Choose a later hour."),
        "crossing_inactive": N_("This crossing does not take bookings now."),
        "same_slot": N_("The booking is already in this slot."),
        "cargo_declaration_required": N_("Out-of-turn passage needs a cargo declaration number."),
        "not_priority_cargo": N_("This cargo category does not qualify for out-of-turn passage."),
        "category_mismatch": N_("The substitute vehicle must be of the same category."),
        "too_many_drivers": N_("A booking names at most three drivers."),
        "identity_not_verified": N_("Your identity must be verified before you can book."),
        "not_authorized_for_vehicle": N_("You are not the owner or holder of this vehicle."),
        "not_same_owner": N_("A vehicle can only be replaced by another of the same owner."),
        "insufficient_funds": N_("The account balance does not cover the fee. Top it up first."),
        "debt_outstanding": N_("The account has unpaid debt. Settle it before booking."),
        "mrp_unknown": N_("The fee cannot be worked out now. Try again later."),
    }
)

RULES.update(
    {
        "give either an IIN or a passport number with its country": (
            "drivers",
            N_("Give each driver either an IIN or a passport number with its country."),
        ),
        "a passport number needs its country": (
            "drivers",
            N_("Give each driver either an IIN or a passport number with its country."),
        ),
        "a plate has 2 to 12 Latin letters and digits": (
            "trailer_plate",
            N_("A plate has 2 to 12 Latin letters and digits."),
        ),
    }
)

# --- the checkpoint (web/pages/checkpoint.py) -----------------------------------------------

ERROR_TEXT.update(
    {
        "no_booking_found": N_("No booking for this plate at this crossing and direction."),
        "too_early": N_("Too early: the booking's arrival window has not opened yet."),
        "too_late": N_("Too late: the booking's arrival window has closed."),
        "already_checked_in": N_("This booking is already checked in."),
    }
)

BOOKING_STATUS = {
    "active": N_("Active"),
    "checked_in": N_("Checked in"),
    "cancelled": N_("Cancelled"),
    "no_show": N_("No-show"),
}

PRIORITY = {
    "normal": N_("Normal"),
    "out_of_turn": N_("Out of turn"),
    "accelerated": N_("Accelerated"),
}

CARGO = {
    "general": N_("General cargo"),
    "empty": N_("Empty"),
    "perishable": N_("Perishable goods"),
    "livestock": N_("Livestock"),
    "mail": N_("Mail"),
    "dangerous": N_("Dangerous goods"),
    "export": N_("Export goods"),
    "humanitarian": N_("Humanitarian aid"),
    "military": N_("Military cargo"),
}

ENTRY_KIND = {
    "top_up": N_("Top-up"),
    "booking_fee": N_("Booking fee"),
    "priority_fee": N_("Priority passage fee"),
    "reschedule_fee": N_("Reschedule fee"),
    "refund": N_("Refund"),
    "deposit": N_("Deposit held"),
    "deposit_forfeit": N_("Deposit forfeited"),
}

# The camera check of the identity: its refusals and why a video did not pass.
ERROR_TEXT.update(
    {
        "document_required": N_("Upload the photo of your identity document first."),
        "identity_rejected": N_(
            "An analyst found that this face is already enrolled under another identity. "
            "Contact the service desk."
        ),
        "challenge_not_found": N_("This challenge is not valid. Start the camera check again."),
        "challenge_used": N_("This challenge was already answered. Start the camera check again."),
        "challenge_expired": N_("The challenge has expired. Start the camera check again."),
        "verification_locked": N_("Too many failed camera checks in a row. Try again later."),
        "not_a_video": N_("The recording could not be read as a video. Try again."),
        "video_too_large": N_("The video is too large; record a few seconds only."),
        "video_too_long": N_("The video is too long; record a few seconds only."),
        "video_too_short": N_("The video is too short; record for the whole time asked."),
        "no_face_in_video": N_("No face was seen in the video. Face the camera in good light."),
        "several_faces_in_video": N_(
            "More than one face was in the video. Only you may be in the picture."
        ),
        "face_lost": N_("Your face left the picture too often. Stay in the frame throughout."),
        "no_head_turn": N_(
            "The head did not turn. Turn your head as asked; a photo held to the camera fails."
        ),
        "turns_not_as_asked": N_(
            "The head turns were not the ones asked, or not in the order asked. Follow the prompts."
        ),
        "face_changed": N_("The face changed during the video. Only you may be in the picture."),
        "face_mismatch": N_("The face in the video does not match the document photo."),
    }
)

# The document photo of the identity check, and the analysts' duplicate reviews.
ERROR_TEXT.update(
    {
        "not_an_image": N_("The file is not a JPEG, PNG, WebP or HEIC (HEIF) image."),
        "image_too_large": N_(
            "The image is too large; send a photo under 20 MB and 50 megapixels."
        ),
        "no_face": N_("No face was found on the photo; take it facing the camera, in good light."),
        "several_faces": N_("More than one face is on the photo; exactly one is needed."),
        "face_too_small": N_("The face is too small on the photo; come closer or crop the photo."),
        "image_too_dark": N_(
            "The photo is too dark to recognise the face; take it in better light."
        ),
        "document_not_found": N_("No such identity document."),
        "review_not_found": N_("No such duplicate review."),
        "review_already_resolved": N_("This duplicate review was already decided."),
    }
)

# Powers of attorney (kezek.attorneys.errors).
ERROR_TEXT.update(
    {
        "not_owner": N_("Only the owner who gave this power of attorney may do this."),
        "intermediary_not_found": N_("No person with this IIN or passport is registered."),
        "intermediary_not_verified": N_(
            "This person has not verified their identity yet, so cannot be an intermediary."
        ),
        "intermediary_is_owner": N_("You cannot give a power of attorney to yourself."),
        "vehicle_not_owned": N_("One of the chosen vehicles is not the owner's."),
        "vehicles_required": N_("Choose the vehicles, or the whole fleet (not both)."),
        "invalid_period": N_(
            "Check the dates: the end is not before the start nor in the past, at most three years."
        ),
        "reauth_required": N_(
            "Confirm with a new camera check: the last one is missing, more than a few minutes "
            "old, or already confirmed another grant."
        ),
        "already_revoked": N_("This power of attorney is already revoked."),
    }
)

# Acting for another owner's vehicle under a power of attorney.
ERROR_TEXT.update(
    {
        "attorney_expired": N_("Your power of attorney for this vehicle does not cover that date."),
        "attorney_revoked": N_("The owner revoked your power of attorney for this vehicle."),
        "attorney_scope": N_("Your power of attorney for this vehicle does not allow this action."),
        "no_attorney": N_(
            "No power of attorney from the owner names this vehicle, and the insurance registry "
            "does not insure you to drive it."
        ),
        "vehicle_not_confirmed": N_(
            "This vehicle cannot be booked yet: an operator must first confirm its registration "
            "certificate (see My vehicles)."
        ),
        "plate_not_registered": N_(
            "No vehicle with this plate is registered in Kezek: its owner must register it first."
        ),
    }
)

# The insurance registry (kezek.registry.errors).
ERROR_TEXT.update(
    {
        "registry_unavailable": N_(
            "The insurance registry cannot be reached, so your driver's insurance cannot be "
            "checked now. Owners can still book their own vehicles. Try again later."
        ),
        "registry_owner_mismatch": N_(
            "The insurance registry names someone else as this vehicle's owner."
        ),
        "registry_vehicle_unknown": N_(
            "The insurance registry does not know this VIN. Check it against the registration "
            "certificate."
        ),
    }
)

# Vehicles and their registration certificates (kezek.vehicles.errors; web/pages/vehicles.py).
ERROR_TEXT.update(
    {
        "vin_invalid": N_("A VIN has 17 Latin letters and digits, never I, O or Q."),
        "vin_check_digit": N_(
            "The VIN's check digit (9th character) does not match: a character is mistyped."
        ),
        "plate_invalid": N_("A plate has 2 to 12 Latin letters and digits."),
        "country_invalid": N_("Enter the two-letter country code, for example KZ, UZ or CN."),
        "vin_taken": N_("This VIN is registered in Kezek to another owner."),
        "not_company_representative": N_("You do not represent this company."),
        "certificate_invalid": N_(
            "The registration certificate must be a JPEG or PNG photo or a PDF scan."
        ),
        "certificate_too_large": N_(
            "The registration certificate file is over 10 MB: send a smaller scan."
        ),
        "vehicle_not_pending": N_(
            "This vehicle is not waiting for a registration certificate check."
        ),
        "reason_required": N_(
            "Say why the certificate is rejected, so the owner knows what to fix."
        ),
    }
)

# Registering a vehicle says more about the registry than the booking form does.
VEHICLE_ERROR_TEXT = {
    "registry_owner_mismatch": N_(
        "The insurance registry names someone else as the owner of this VIN. If the vehicle "
        "changed hands, the new owner's insurance must reach the registry first."
    ),
    "registry_vehicle_unknown": N_(
        "The insurance registry does not know this VIN, and a vehicle registered in Kazakhstan "
        "must be in it. Check the VIN against the registration certificate."
    ),
    "registry_unavailable": N_(
        "The insurance registry cannot be reached, so the vehicle cannot be checked now. "
        "Nothing was saved: try again later."
    ),
}

VEHICLE_CATEGORY = {"truck": N_("Truck"), "car": N_("Car"), "bus": N_("Bus")}

# A vehicle's registry status in plain words (kezek.models.vehicle.RegistryStatus).
REGISTRY_STATUS = {
    "confirmed": N_("Confirmed"),
    "pending": N_("Waiting for a check"),
    "rejected": N_("Rejected"),
    "unchecked": N_("Not checked"),
}

# Unused reservations, their compensation and appeals.
ENTRY_KIND["compensation"] = N_("Compensation for an unused reservation")
UNUSED_KIND = {"cancellation": N_("Cancelled"), "no_show": N_("No-show")}
APPEAL_STATUS = {
    "open": N_("Appeal waiting for a decision"),
    "accepted": N_("Appeal accepted"),
    "rejected": N_("Appeal rejected"),
}
ERROR_TEXT.update(
    {
        "unused_reservation_not_found": N_("There is no such unused reservation."),
        "not_charged": N_(
            "Only an unused reservation of a month in which a compensation was charged can be "
            "appealed."
        ),
        "appeal_open": N_("An appeal against this compensation is already waiting for a decision."),
        "appeal_not_found": N_("There is no such appeal."),
        "appeal_decided": N_("This appeal was already decided."),
        "already_voided": N_("This unused reservation was already voided."),
        "attachment_invalid": N_("The attachment must be a JPEG, PNG or PDF file."),
        "attachment_too_large": N_("The attachment is larger than 10 MB."),
        "reason_missing": N_("Give a reason."),
    }
)
