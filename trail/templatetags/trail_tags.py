"""`{% load trail_tags %}{% trail_head_code %}`: the trail's chain head as a short code for papers.

A signed paper carrying the code is one more anchor outside the database: `verify_trail --anchor` takes
the code as typed from the paper. `{% trail_head_code labelled=True %}` puts the words "留痕校验码" before it.
"""

from django import template
from django.utils.translation import gettext as _

from trail.selectors import EMPTY, head_code

register = template.Library()


@register.simple_tag
def trail_head_code(labelled: bool = False) -> str:
    code = head_code() or EMPTY
    return f"{_('Trail check code')} {code}" if labelled else code
