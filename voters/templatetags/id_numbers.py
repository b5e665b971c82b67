"""`{{ id_number|shown_id:request.user }}`: how every page prints a resident ID number.

DOMAIN.md "Voter registration": the ID number is sensitive personal information, shown masked
(330702********1234) to every role outside `ID_NUMBER_FULL_ROLES`. Pages print it only through this
filter (and views and exports through `voters.selectors.shown_id`, which it calls), so the rule has one place.
"""

from django import template

from voters.selectors import shown_id as shown_id_for

register = template.Library()


@register.filter
def shown_id(id_number: str, user) -> str:
    return shown_id_for(user, id_number or "")
