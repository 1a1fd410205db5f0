"""Throwaway PostgreSQL databases for the benchmarks: created at the start, dropped at the end.

No Django here: the database must exist before Django connects to it.
"""

from urllib.parse import urlsplit, urlunsplit


def with_name(url, name):
    """The same server URL, naming another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def name_of(url):
    return urlsplit(url).path.lstrip("/")


def _admin(url):
    import psycopg

    parts = urlsplit(url)
    connection = psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )
    return connection


def create(url):
    """Create the database the URL names, dropping a copy left behind by an interrupted run."""
    name = name_of(url)
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def drop(url):
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name_of(url)}" WITH (FORCE)')
