"""Django's `flush`, which may empty the trail in a test database only (see migration 0003).

Django's test runner calls `flush` between transactional tests (TransactionTestCase, pytest-django's
transactional_db and live_server); on PostgreSQL it empties every table with one TRUNCATE, which the
trail's TRUNCATE trigger refuses. This override marks its own transaction with the session setting
`huanjie.trail_test_flush`, which the trigger honours only in a database named test_*. Anywhere else,
a production database included, the trail's TRUNCATE is refused and `flush` fails as a whole, which is
what should happen to a command that would erase an election's trail.

This lives in the trail app because an app's command of the same name replaces Django's for every caller,
the test runner's `call_command("flush")` included, with no change to the tests' configuration.
"""

from django.core.management.commands import flush
from django.db import connections, transaction


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        connection = connections[database]
        if connection.vendor != "postgresql":
            return super().handle(**options)
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                # Local to this transaction: it ends with the flush and cannot linger on the connection.
                cursor.execute("SELECT set_config('huanjie.trail_test_flush', 'on', true)")
            return super().handle(**options)
