"""Reference data: units (OPD) and themes (unsur)."""
from typing import Optional

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base


class Unit(Base):
    """A government unit (OPD), e.g. Dinas Kesehatan."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    short_name: Mapped[Optional[str]] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.short_name or self.name


class Theme(Base):
    """An element of the bureaucracy ecosystem (unsur) that items are grouped by."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)  # used as #slug in bulk entry
    name: Mapped[str] = mapped_column(String(120), unique=True)
    name_en: Mapped[Optional[str]] = mapped_column(String(120))
    description: Mapped[Optional[str]] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def label(self, language: str) -> str:
        """The theme's name in the given UI language."""
        return self.name_en if language == "en" and self.name_en else self.name

    def __str__(self) -> str:
        return self.name
