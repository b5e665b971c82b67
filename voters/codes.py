"""The catalogue of rule codes of voter registration (选民登记).

Every rule violation the voters app reports has a stable dotted code, a message and a severity
(STYLE.md, "Errors and messages"). Errors block; warnings (codes ending in ``.W``) must be acknowledged
by the user, and the acknowledgement is recorded. Messages are English msgids translated by the Simplified
Chinese catalogue; tests assert codes, never wording.
"""

from django.utils.translation import gettext_lazy as _

from elections.codes import Catalogue, Severity

CATALOGUE = Catalogue("voters")
_code = CATALOGUE.code
E, W = Severity.ERROR, Severity.WARNING


# The resident identity number (GB 11643), DOMAIN.md "Voter registration".
ID_LENGTH = _code("voter.id_length", E, _("The ID number must have 18 characters"))
ID_FORMAT = _code(
    "voter.id_format", E, _("The ID number may contain only digits, with an X allowed as the last character")
)
ID_CHECKSUM = _code("voter.id_checksum", E, _("The check character of the ID number is wrong"))
ID_BIRTH_DATE = _code("voter.id_birth_date", E, _("The birth date in the ID number is not a possible date"))
ID_REGION = _code("voter.id_region", E, _("The ID number does not start with a valid province code"))
ID_STORED_AS_NUMBER = _code(
    "voter.id_stored_as_number",
    E,
    # Translators: name the Excel command as the Chinese UI does: 设置单元格格式 → 文本.
    _(
        "Excel stored the ID number as a number and dropped its last digits: format the ID column as "
        "Text, then enter or paste the ID numbers again"
    ),
)

# The person: data that must agree with the ID, eligibility, contact.
# The ID number is authoritative for birth date and sex, so a roll column that disagrees with it, or
# cannot be read, is shown for acknowledgement rather than blocking; a phone number is contact data only.
BIRTH_DATE_MISMATCH = _code(
    "voter.birth_date_mismatch.W", W, _("The birth date does not match the one in the ID number")
)
SEX_MISMATCH = _code("voter.sex_mismatch.W", W, _("The sex does not match the one given by the ID number"))
UNDER_AGE = _code("voter.under_age", E, _("The person is not yet 18 on election day"))
NAME_REQUIRED = _code("voter.name_required", E, _("The name is required"))
NAME_INVALID = _code(
    "voter.name_invalid",
    E,
    _("The name must be 1 to 30 Chinese characters or letters, without digits or symbols"),
)
PHONE_INVALID = _code(
    "voter.phone_invalid.W",
    W,
    _("The phone number must be an 11-digit mobile number or a landline number with its area code"),
)

# Cell shapes in a roll.
REQUIRED = _code("voter.required", E, _("This field is required"))
DATE_INVALID = _code("voter.date_invalid.W", W, _("The date cannot be read; write it like 2001-03-05"))
CHOICE_INVALID = _code("voter.choice_invalid", E, _("The value is not one of the allowed choices"))
VALUE_TOO_LONG = _code(
    "voter.value_too_long", E, _("The value is longer than the {limit} characters this column can hold")
)
VALUE_CONTROL_CHARACTERS = _code(
    "voter.value_control_characters",
    E,
    _("The value contains invisible control characters; type it again or paste it as plain text"),
)

# Roll files as a whole: each one rejects the upload.
FILE_NOT_EXCEL = _code(
    "voter.file_not_excel",
    E,
    _("The file is not an Excel workbook (.xlsx or .xls) or an OpenDocument spreadsheet (.ods)"),
)
FILE_ENCRYPTED = _code(
    "voter.file_encrypted",
    E,
    _("The file is password-protected; remove the password in Excel and upload it again"),
)
FILE_TOO_LARGE = _code("voter.file_too_large", E, _("The file is larger than the limit of {limit} MB"))
FILE_ZIP_BOMB = _code(
    "voter.file_zip_bomb",
    E,
    _("The file unpacks to far more data than a voter roll can hold, so it was rejected"),
)
FILE_FORMULAS = _code(
    "voter.file_formulas",
    E,
    _("The sheet contains formulas; copy the cells and paste values only, then upload the file again"),
)
FILE_TOO_MANY_ROWS = _code(
    "voter.file_too_many_rows", E, _("The sheet has more than the limit of {limit} rows")
)
FILE_NO_HEADER = _code(
    "voter.file_no_header",
    E,
    _("No header row with the name and ID number columns was found in the first {rows} rows"),
)
FILE_EMPTY = _code("voter.file_empty", E, _("The file contains no voters"))
FILE_TOO_MANY_COLUMNS = _code(
    "voter.file_too_many_columns",
    E,
    _(
        "The sheet has a cell in column {column}, beyond the limit of {limit} columns: delete the columns "
        "to the right of the roll (Ctrl+End shows the last cell), then upload the file again"
    ),
)
FILE_GRID_TOO_LARGE = _code(
    "voter.file_grid_too_large",
    E,
    _(
        "The sheet spans {rows} rows by {columns} columns, more than the {limit} MB a roll may take to "
        "read: delete the empty rows and columns around the roll (Ctrl+End shows the last cell), then "
        "upload the file again"
    ),
)

# Duplicates and roll changes (DOMAIN.md: 不重登; every change after publication has a reason).
DUPLICATE_IN_FILE = _code(
    "voter.duplicate_in_file",
    E,
    _("The same ID number appears in another row of the file with different details"),
)
DUPLICATE_OTHER_VILLAGE = _code(
    "voter.duplicate_other_village", E, _("Already registered in another village in this cycle")
)
IMPORT_CONFLICT = _code(
    "voter.import_conflict",
    E,
    _("Another change to the roll happened at the same time; nothing was imported. Please try again."),
)
CHANGE_NEEDS_REASON = _code(
    "voter.change_needs_reason", E, _("The roll is published: give the reason for these changes.")
)
# A person typed in whose ID number is already on this roll with other details: nothing is overwritten
# until the clerk has compared the two and chosen to update.
ALREADY_ON_ROLL = _code(
    "voter.already_on_roll",
    E,
    _(
        "This ID number is already on this roll with other details; compare them and choose whether to "
        "update the record."
    ),
)
# A checked file with warnings is imported only once a named user has acknowledged them (recorded).
WARNINGS_NOT_ACKNOWLEDGED = _code(
    "voter.warnings_not_acknowledged",
    E,
    _("This file has warnings: read them and confirm that you have checked them before importing."),
)
PUBLISH_EMPTY = _code(
    "voter.publish_empty", E, _("The roll is empty; import or register voters before publishing.")
)
PUBLISH_FUTURE = _code("voter.publish_future", E, _("The publication date cannot be in the future."))
PUBLISH_AFTER_ELECTION = _code(
    "voter.publish_after_election", E, _("The roll cannot be published on or after election day.")
)
IMPORT_STATE = _code("voter.import_state", E, _("This file was already imported or could not be read."))
# An import job that could not finish: an unexpected error, a worker that died, a preview left too long.
IMPORT_FAILED = _code(
    "voter.import_failed",
    E,
    _(
        "The file could not be processed because of an unexpected error; nothing was imported. "
        "Please upload it again, and tell the administrator if this happens again."
    ),
)
IMPORT_INTERRUPTED = _code(
    "voter.import_interrupted",
    E,
    _(
        "The processing of this file stopped before it finished (the file may be too large or damaged); "
        "nothing was imported. Check the file and upload it again."
    ),
)
IMPORT_EXPIRED = _code(
    "voter.import_expired",
    E,
    _("This check is too old and its file was deleted; please upload the file again."),
)

# Settling a registration in another village with the township that holds it (ConflictRequest).
CONFLICT_NOT_FOUND = _code(
    "voter.conflict_not_found",
    E,
    _("This person is no longer registered in another village, or was not among this village's conflicts."),
)
CONFLICT_ANSWERED = _code("voter.conflict_answered", E, _("This request has already been answered."))
CONFLICT_KEEP_NEEDS_NOTE = _code(
    "voter.conflict_keep_needs_note", E, _("Say why the person stays on your roll.")
)

# Close relatives recorded across households (近亲属回避; DOMAIN.md "Candidate vetting"), by hand or from
# Excel (services.record_kinship, services.import_kinship).
KINSHIP_SELF = _code("voter.kinship_self", E, _("A person cannot be recorded as their own relative"))
KINSHIP_NOT_ON_ROLL = _code(
    "voter.kinship_not_on_roll",
    E,
    _("This person is not registered on any village's roll of this election cycle"),
)
KINSHIP_OUTSIDE = _code(
    "voter.kinship_outside", E, _("This person is registered in a village outside your jurisdiction")
)
KINSHIP_EXISTS = _code(
    "voter.kinship_exists", E, _("A relationship between these two people is already recorded")
)
KINSHIP_BIRTH_ORDER = _code(
    "voter.kinship_birth_order",
    E,
    _("The birth dates contradict this relationship: a parent or grandparent must be older"),
)
KINSHIP_RELATION = _code(
    "voter.kinship_relation",
    E,
    _("The relationship must be one of: 配偶, 父母, 子女, 兄弟姐妹, 祖父母/外祖父母, 孙子女/外孙子女"),
)
KINSHIP_BASIS = _code(
    "voter.kinship_basis",
    E,
    _("The basis must be one of: 户籍档案/公安户籍资料, 村（居）委会证明, 本人申报, 走访核实, 其他"),
)
KINSHIP_BASIS_NOTE = _code("voter.kinship_basis_note", E, _("The basis is 其他: say what it is in the note"))
KINSHIP_NOT_RECORDED = _code(
    "voter.kinship_not_recorded",
    E,
    _("Only a relationship recorded by hand or imported can be removed; household links follow the register"),
)
KINSHIP_REMOVE_REASON = _code(
    "voter.kinship_remove_reason", E, _("Give the reason for removing this relationship")
)
KINSHIP_ID_UNKNOWN = _code("voter.kinship_id_unknown", E, _("No resident with this ID number is known"))
KINSHIP_REPEATED = _code(
    "voter.kinship_repeated", E, _("The same two people appear in another row of the file")
)
KINSHIP_FILE_NO_HEADER = _code(
    "voter.kinship_file_no_header",
    E,
    _(
        "No header row with the 甲方身份证号码, 乙方身份证号码 and 关系 columns was found in the first {rows} rows"
    ),
)
KINSHIP_FILE_EMPTY = _code("voter.kinship_file_empty", E, _("The file contains no relationships"))
KINSHIP_FILE_HAS_ERRORS = _code(
    "voter.kinship_file_has_errors",
    E,
    _(
        "Some rows have problems: nothing is imported until every row is right. Fix the file and upload it again."
    ),
)

# Written proxies (委托投票; DOMAIN.md "voting": only as the rules allow, no on-the-spot proxies, at most
# `proxies_per_voter` held by one voter), services.record_proxy and services.revoke_proxy.
PROXY_NOT_ALLOWED = _code(
    "voter.proxy_not_allowed", E, _("The rules of this election cycle do not allow proxy voting")
)
PROXY_NOT_ON_ROLL = _code(
    "voter.proxy_not_on_roll",
    E,
    _("Both the voter giving the proxy and the proxy must be registered voters of this village's roll"),
)
PROXY_SELF = _code("voter.proxy_self", E, _("A voter cannot be their own proxy"))
PROXY_ALREADY_GIVEN = _code(
    "voter.proxy_already_given",
    E,
    _("%(name)s has already given a written proxy to %(proxy)s; revoke that proxy first"),
)
PROXY_LIMIT = _code(
    "voter.proxy_limit",
    E,
    _("%(name)s already holds %(limit)s proxies, the most one voter may accept in this cycle"),
)
PROXY_CHAIN = _code(
    "voter.proxy_chain",
    E,
    _(
        "A proxy cannot be passed on: a voter who has given a proxy cannot hold one, and a voter who holds "
        "proxies cannot give their own"
    ),
)
PROXY_ON_POLLING_DAY = _code(
    "voter.proxy_on_polling_day",
    E,
    _(
        "Written proxies are recorded before election day: none is accepted or revoked on the day itself "
        "or after (no on-the-spot proxies)"
    ),
)
PROXY_SIGNED_FUTURE = _code("voter.proxy_signed_future", E, _("The signing date cannot be in the future"))
PROXY_REVOKED = _code("voter.proxy_revoked", E, _("This proxy has already been revoked"))
PROXY_REVOKE_REASON = _code("voter.proxy_revoke_reason", E, _("Give the reason for revoking the proxy"))

# Objections to the roll (选民名单异议; DOMAIN.md "Voter registration": answered within 3 days of receipt),
# services.record_objection and services.answer_objection. A late answer is flagged, not refused.
OBJECTION_BEFORE_PUBLICATION = _code(
    "voter.objection_before_publication",
    E,
    _(
        "Objections answer the published roll: publish the roll first; an objection is received on or "
        "after the day the roll was published"
    ),
)
OBJECTION_OBJECTOR = _code("voter.objection_objector", E, _("Give the name of the person who objects"))
OBJECTION_SUBJECT = _code(
    "voter.objection_subject",
    E,
    _("Say whom the objection is about: choose a voter of the roll, or give the name of a person not on it"),
)
OBJECTION_SUBJECT_KIND = _code(
    "voter.objection_subject_kind",
    E,
    _(
        "An objection that someone should be added is about a person not on the roll (or taken off it); "
        "one that someone should be taken off, or whose particulars are wrong, is about a registered voter"
    ),
)
OBJECTION_GROUND = _code("voter.objection_ground", E, _("Give the ground of the objection"))
OBJECTION_DATE_FUTURE = _code("voter.objection_date_future", E, _("The date cannot be in the future"))
OBJECTION_ANSWERED = _code("voter.objection_answered", E, _("This objection has already been answered"))
OBJECTION_ANSWER_TEXT = _code(
    "voter.objection_answer_text", E, _("Give the answer to the objector: what was decided and why")
)
OBJECTION_ANSWER_BEFORE_RECEIPT = _code(
    "voter.objection_answer_before_receipt",
    E,
    _("The answer cannot be dated before the objection was received"),
)
OBJECTION_NOTHING_CHANGED = _code(
    "voter.objection_nothing_changed",
    E,
    _("The particulars given are those already on the roll: an upheld objection must change the roll"),
)

MESSAGES = CATALOGUE.messages
SEVERITY = CATALOGUE.severities

del E, W
