"""Prepared statements on the driver's connection: values written in the statement are kept."""

import pytest
from sqlalchemy import bindparam, update
from sqlalchemy.exc import DBAPIError

from hallq.fastsql import Statement
from hallq.models import Ticket
from tests.factories import issue

_FORGET_PHONE = Statement(
    update(Ticket).where(Ticket.id == bindparam("ticket_id")).values(phone=None, recall_count=2)
)


def test_a_none_written_in_the_statement_clears_the_column(db):
    ticket = issue(db, service="A", phone="13812345678")
    with db.transaction() as session:
        assert _FORGET_PHONE.run(session, {"ticket_id": ticket.id}).rowcount == 1
    with db.session() as session:
        row = session.get(Ticket, ticket.id)
        assert (row.phone, row.recall_count) == (None, 2)


def test_a_parameter_without_a_value_must_be_given(db):
    # SQLite's positional parameters miss it in Python; PostgreSQL's driver refuses the query.
    with db.transaction() as session, pytest.raises((KeyError, DBAPIError)):
        _FORGET_PHONE.run(session, {})
