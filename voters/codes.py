"""The catalogue of rule codes of voter registration (选民登记).

Every rule violation the voters app reports has a stable dotted code, a message and a severity
(STYLE.md, "Errors and messages"). Errors block; warnings must be acknowledged by the user, and the
acknowledgement is recorded. Messages are English msgids translated by the Simplified Chinese catalogue;
tests assert codes, never wording.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Severity(StrEnum):
    """Whether a violation blocks (error) or must only be acknowledged (warning)."""

    ERROR = "error"
    WARNING = "warning"


# The resident identity number (GB 11643), DOMAIN.md "Voter registration".
ID_LENGTH = "voter.id_length"
ID_FORMAT = "voter.id_format"
ID_CHECKSUM = "voter.id_checksum"
ID_BIRTH_DATE = "voter.id_birth_date"
ID_REGION = "voter.id_region"
ID_STORED_AS_NUMBER = "voter.id_stored_as_number"

# The person: data that must agree with the ID, eligibility, contact.
BIRTH_DATE_MISMATCH = "voter.birth_date_mismatch"
SEX_MISMATCH = "voter.sex_mismatch"
UNDER_AGE = "voter.under_age"
NAME_REQUIRED = "voter.name_required"
NAME_INVALID = "voter.name_invalid"
PHONE_INVALID = "voter.phone_invalid"

# Cell shapes in a roll.
REQUIRED = "voter.required"
DATE_INVALID = "voter.date_invalid"
CHOICE_INVALID = "voter.choice_invalid"
VALUE_TOO_LONG = "voter.value_too_long"
VALUE_CONTROL_CHARACTERS = "voter.value_control_characters"

# Roll files as a whole: each one rejects the upload.
FILE_NOT_EXCEL = "voter.file_not_excel"
FILE_ENCRYPTED = "voter.file_encrypted"
FILE_TOO_LARGE = "voter.file_too_large"
FILE_ZIP_BOMB = "voter.file_zip_bomb"
FILE_FORMULAS = "voter.file_formulas"
FILE_TOO_MANY_ROWS = "voter.file_too_many_rows"
FILE_NO_HEADER = "voter.file_no_header"
FILE_EMPTY = "voter.file_empty"
FILE_TOO_MANY_COLUMNS = "voter.file_too_many_columns"
FILE_GRID_TOO_LARGE = "voter.file_grid_too_large"

# Duplicates and roll changes (DOMAIN.md: 不重登; every change after publication has a reason).
DUPLICATE_IN_FILE = "voter.duplicate_in_file"
DUPLICATE_OTHER_VILLAGE = "voter.duplicate_other_village"
IMPORT_CONFLICT = "voter.import_conflict"
CHANGE_NEEDS_REASON = "voter.change_needs_reason"
# A person typed in whose ID number is already on this roll with other details: nothing is overwritten
# until the clerk has compared the two and chosen to update.
ALREADY_ON_ROLL = "voter.already_on_roll"
# A checked file with warnings is imported only once a named user has acknowledged them (recorded).
WARNINGS_NOT_ACKNOWLEDGED = "voter.warnings_not_acknowledged"
PUBLISH_EMPTY = "voter.publish_empty"
PUBLISH_FUTURE = "voter.publish_future"
PUBLISH_AFTER_ELECTION = "voter.publish_after_election"
IMPORT_STATE = "voter.import_state"
# An import job that could not finish: an unexpected error, a worker that died, a preview left too long.
IMPORT_FAILED = "voter.import_failed"
IMPORT_INTERRUPTED = "voter.import_interrupted"
IMPORT_EXPIRED = "voter.import_expired"

# Settling a registration in another village with the township that holds it (ConflictRequest).
CONFLICT_NOT_FOUND = "voter.conflict_not_found"
CONFLICT_ANSWERED = "voter.conflict_answered"
CONFLICT_KEEP_NEEDS_NOTE = "voter.conflict_keep_needs_note"

MESSAGES = {
    ID_LENGTH: _("The ID number must have 18 characters"),
    ID_FORMAT: _("The ID number may contain only digits, with an X allowed as the last character"),
    ID_CHECKSUM: _("The check character of the ID number is wrong"),
    ID_BIRTH_DATE: _("The birth date in the ID number is not a possible date"),
    ID_REGION: _("The ID number does not start with a valid province code"),
    # Translators: name the Excel command as the Chinese UI does: 设置单元格格式 → 文本.
    ID_STORED_AS_NUMBER: _(
        "Excel stored the ID number as a number and dropped its last digits: format the ID column as "
        "Text, then enter or paste the ID numbers again"
    ),
    BIRTH_DATE_MISMATCH: _("The birth date does not match the one in the ID number"),
    SEX_MISMATCH: _("The sex does not match the one given by the ID number"),
    UNDER_AGE: _("The person is not yet 18 on election day"),
    NAME_REQUIRED: _("The name is required"),
    NAME_INVALID: _("The name must be 1 to 30 Chinese characters or letters, without digits or symbols"),
    PHONE_INVALID: _(
        "The phone number must be an 11-digit mobile number or a landline number with its area code"
    ),
    REQUIRED: _("This field is required"),
    DATE_INVALID: _("The date cannot be read; write it like 2001-03-05"),
    CHOICE_INVALID: _("The value is not one of the allowed choices"),
    VALUE_TOO_LONG: _("The value is longer than the {limit} characters this column can hold"),
    VALUE_CONTROL_CHARACTERS: _(
        "The value contains invisible control characters; type it again or paste it as plain text"
    ),
    FILE_NOT_EXCEL: _(
        "The file is not an Excel workbook (.xlsx or .xls) or an OpenDocument spreadsheet (.ods)"
    ),
    FILE_ENCRYPTED: _("The file is password-protected; remove the password in Excel and upload it again"),
    FILE_TOO_LARGE: _("The file is larger than the limit of {limit} MB"),
    FILE_ZIP_BOMB: _("The file unpacks to far more data than a voter roll can hold, so it was rejected"),
    FILE_FORMULAS: _(
        "The sheet contains formulas; copy the cells and paste values only, then upload the file again"
    ),
    FILE_TOO_MANY_ROWS: _("The sheet has more than the limit of {limit} rows"),
    FILE_NO_HEADER: _("No header row with the name and ID number columns was found in the first {rows} rows"),
    FILE_EMPTY: _("The file contains no voters"),
    FILE_TOO_MANY_COLUMNS: _(
        "The sheet has a cell in column {column}, beyond the limit of {limit} columns: delete the columns "
        "to the right of the roll (Ctrl+End shows the last cell), then upload the file again"
    ),
    FILE_GRID_TOO_LARGE: _(
        "The sheet spans {rows} rows by {columns} columns, more than the {limit} MB a roll may take to "
        "read: delete the empty rows and columns around the roll (Ctrl+End shows the last cell), then "
        "upload the file again"
    ),
    DUPLICATE_IN_FILE: _("The same ID number appears in another row of the file with different details"),
    DUPLICATE_OTHER_VILLAGE: _("Already registered in another village in this cycle"),
    IMPORT_CONFLICT: _(
        "Another change to the roll happened at the same time; nothing was imported. Please try again."
    ),
    CHANGE_NEEDS_REASON: _("The roll is published: give the reason for these changes."),
    ALREADY_ON_ROLL: _(
        "This ID number is already on this roll with other details; compare them and choose whether to "
        "update the record."
    ),
    WARNINGS_NOT_ACKNOWLEDGED: _(
        "This file has warnings: read them and confirm that you have checked them before importing."
    ),
    PUBLISH_EMPTY: _("The roll is empty; import or register voters before publishing."),
    PUBLISH_FUTURE: _("The publication date cannot be in the future."),
    PUBLISH_AFTER_ELECTION: _("The roll cannot be published on or after election day."),
    IMPORT_STATE: _("This file was already imported or could not be read."),
    IMPORT_FAILED: _(
        "The file could not be processed because of an unexpected error; nothing was imported. "
        "Please upload it again, and tell the administrator if this happens again."
    ),
    IMPORT_INTERRUPTED: _(
        "The processing of this file stopped before it finished (the file may be too large or damaged); "
        "nothing was imported. Check the file and upload it again."
    ),
    IMPORT_EXPIRED: _("This check is too old and its file was deleted; please upload the file again."),
    CONFLICT_NOT_FOUND: _(
        "This person is no longer registered in another village, or was not among this village's conflicts."
    ),
    CONFLICT_ANSWERED: _("This request has already been answered."),
    CONFLICT_KEEP_NEEDS_NOTE: _("Say why the person stays on your roll."),
}

# The ID number is authoritative for birth date and sex, so a roll column that disagrees with it, or
# cannot be read, is shown for acknowledgement rather than blocking; a phone number is contact data only.
SEVERITY = dict.fromkeys(MESSAGES, Severity.ERROR) | {
    BIRTH_DATE_MISMATCH: Severity.WARNING,
    SEX_MISMATCH: Severity.WARNING,
    DATE_INVALID: Severity.WARNING,
    PHONE_INVALID: Severity.WARNING,
}
