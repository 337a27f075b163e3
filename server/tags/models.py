"""Tags fixed in a client's home: what a carer scans, taps or types to show presence without a GPS fix."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db_types import BigId, UTCDateTime
from server.extensions import db


class ClientTag(db.Model):
    """One issue of a client's tag. Reissuing revokes the last one and signs a new version.

    The signed payload is not stored: it is made again from (client, id, version) whenever a label is printed.
    """

    __tablename__ = "client_tags"
    __table_args__ = (
        UniqueConstraint("client_id", "version", name="uq_client_tags_client_version"),
        # Typed codes and SMS name a home by its code among the provider's homes.
        UniqueConstraint("provider_id", "code", name="uq_client_tags_provider_code"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    version: Mapped[int]
    code: Mapped[str] = mapped_column(String(8))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    client = relationship("Client", lazy="joined")
