"""A refusal reaches the workflow pages whether it is a coded (list-style) or a model's (dict-style) one."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from lifecycle import codes
from lifecycle.views import error_list


def test_a_coded_refusal_keeps_its_code_and_message():
    error = ValidationError(codes.MESSAGES[codes.EXCEPTION_PENDING], code=codes.EXCEPTION_PENDING)
    assert error_list(error) == [
        {"message": codes.MESSAGES[codes.EXCEPTION_PENDING], "code": codes.EXCEPTION_PENDING, "url": ""}
    ]


def test_a_dict_style_refusal_of_full_clean_is_listed_field_by_field():
    error = ValidationError(
        {
            NON_FIELD_ERRORS: [ValidationError("Constraint “%(name)s” is violated.", params={"name": "x"})],
            "reason": [ValidationError("This field cannot be blank.", code="blank")],
        }
    )
    assert [(e["message"], e["code"]) for e in error_list(error)] == [
        ("Constraint “x” is violated.", None),
        ("This field cannot be blank.", "blank"),
    ]
