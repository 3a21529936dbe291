"""What happens once when a server starts: schema up to date, demo hall and first admin in place."""

import secrets

from sqlalchemy import select

from hallq import demo, migrations, users
from hallq.config import Settings
from hallq.db import Database
from hallq.models import Hall, Role, User


def prepare_database(db: Database, settings: Settings) -> str | None:
    """Upgrade the schema and seed an empty database. Returns the admin password if one was generated."""
    with db.transaction() as session:
        migrations.upgrade(session.connection())
        if settings.seed_demo and session.scalars(select(Hall)).first() is None:
            demo.seed_demo_hall(session)
        if session.scalars(select(User).where(User.role == Role.admin)).first() is not None:
            return None
        generated = None
        password = settings.admin_password
        if not password:
            password = generated = secrets.token_urlsafe(12)
        users.create_user(
            session=session,
            hall=None,
            username="admin",
            password=password,
            role=Role.admin,
        )
        return generated
