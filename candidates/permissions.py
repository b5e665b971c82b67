"""Which role does what in candidate vetting, in one table (DOMAIN.md "Who uses the system").

Township staff run the vetting of their villages; the village clerk enters nominations and the election
committee's vote; the county approves "in principle" breaches; departments answer the reviews addressed
to them. Where rows are concerned, the jurisdiction (accounts.scoping) applies on top of this table.
"""

from accounts.models import User
from accounts.roles import Role

ACTIONS = {
    "view": {Role.CITY, Role.COUNTY, Role.TOWNSHIP, Role.CLERK, Role.ADMIN},
    "nominate": {Role.TOWNSHIP, Role.CLERK, Role.ADMIN},
    "vet": {Role.TOWNSHIP, Role.ADMIN},
    "village": {Role.TOWNSHIP, Role.CLERK, Role.ADMIN},
    "approvals": {Role.CITY, Role.COUNTY, Role.ADMIN},
    "approve": {Role.COUNTY, Role.ADMIN},
    "review": {Role.DEPARTMENT},
}


def role_of(user: User) -> str:
    return Role.ADMIN if user.is_superuser else user.role


def can(user: User, action: str) -> bool:
    return bool(user and user.is_authenticated) and role_of(user) in ACTIONS[action]
