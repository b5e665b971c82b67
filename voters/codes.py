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

# Roll files as a whole: each one rejects the upload.
FILE_NOT_EXCEL = "voter.file_not_excel"
FILE_ENCRYPTED = "voter.file_encrypted"
FILE_TOO_LARGE = "voter.file_too_large"
FILE_ZIP_BOMB = "voter.file_zip_bomb"
FILE_FORMULAS = "voter.file_formulas"
FILE_TOO_MANY_ROWS = "voter.file_too_many_rows"
FILE_NO_HEADER = "voter.file_no_header"
FILE_EMPTY = "voter.file_empty"

# Duplicates and roll changes (DOMAIN.md: 不重登; every change after publication has a reason).
DUPLICATE_IN_FILE = "voter.duplicate_in_file"
DUPLICATE_OTHER_VILLAGE = "voter.duplicate_other_village"
IMPORT_CONFLICT = "voter.import_conflict"
CHANGE_NEEDS_REASON = "voter.change_needs_reason"
PUBLISH_EMPTY = "voter.publish_empty"
PUBLISH_FUTURE = "voter.publish_future"
PUBLISH_AFTER_ELECTION = "voter.publish_after_election"
IMPORT_STATE = "voter.import_state"

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
    DUPLICATE_IN_FILE: _("The same ID number appears in another row of the file with different details"),
    DUPLICATE_OTHER_VILLAGE: _("Already registered in another village in this cycle"),
    IMPORT_CONFLICT: _(
        "Another change to the roll happened at the same time; nothing was imported. Please try again."
    ),
    CHANGE_NEEDS_REASON: _("The roll is published: give the reason for these changes."),
    PUBLISH_EMPTY: _("The roll is empty; import or register voters before publishing."),
    PUBLISH_FUTURE: _("The publication date cannot be in the future."),
    PUBLISH_AFTER_ELECTION: _("The roll cannot be published on or after election day."),
    IMPORT_STATE: _("This file was already imported or could not be read."),
}

# The ID number is authoritative for birth date and sex, so a roll column that disagrees with it, or
# cannot be read, is shown for acknowledgement rather than blocking; a phone number is contact data only.
SEVERITY = dict.fromkeys(MESSAGES, Severity.ERROR) | {
    BIRTH_DATE_MISMATCH: Severity.WARNING,
    SEX_MISMATCH: Severity.WARNING,
    DATE_INVALID: Severity.WARNING,
    PHONE_INVALID: Severity.WARNING,
}
