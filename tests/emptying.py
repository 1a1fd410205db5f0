"""After a test that commits (browser journeys, real workers), the database is emptied by deleting the rows
of the tables that have any, not by Django's flush.

Django's flush truncates every table the project has (well over a hundred), then makes the content types
and permissions again: about 0.6 s a test on PostgreSQL, most of it spent on tables the test never
touched. Here one query asks which tables have rows, and those are emptied with DELETE in one
transaction (Django's foreign keys are deferred on PostgreSQL, so the order does not matter). The
content types and permissions, which migrate made and no test changes, are kept as they are. The database
ends as a flush leaves it; sequences carry on, as they do after Django's own flush in tests.

Only on PostgreSQL, and only where Django would flush everything: a test case that names its apps
(`available_apps`) or restores serialised data is emptied by Django's flush as before.
"""

from django.db import connections, transaction
from django.test import TransactionTestCase

KEPT = {"django_content_type", "auth_permission"}
_flush = TransactionTestCase._fixture_teardown
_tables = {}


def use_it():
    TransactionTestCase._fixture_teardown = _fixture_teardown


def _fixture_teardown(self):
    if self.available_apps is not None or self.serialized_rollback:
        return _flush(self)
    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        if connection.vendor != "postgresql":
            return _flush(self)
        empty(connection)


def tables(connection):
    if connection.alias not in _tables:
        names = connection.introspection.django_table_names(only_existing=True, include_views=False)
        _tables[connection.alias] = sorted(set(names) - KEPT)
    return _tables[connection.alias]


def empty(connection):
    """Delete every row of every table of the project's models that has any, but the content types and permissions."""
    names = tables(connection)
    # The names are the models' own tables, as Django lists them, quoted: nothing anyone typed.
    quoted = [connection.ops.quote_name(name) for name in names]
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT {number} WHERE EXISTS (SELECT 1 FROM {name})"  # noqa: S608
                for number, name in enumerate(quoted)
            )
        )
        filled = [names[number] for (number,) in cursor.fetchall()]
        if not filled:
            return
        with transaction.atomic(using=connection.alias):
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for name in filled:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(name)}")  # noqa: S608
