"""SQLAlchemy models of the tool catalogue: workplace tools, private tools, processes."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import relationship

from bot.db import Base

ID_LENGTH = 64
NAME_LENGTH = 200


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _owned_list(child: str):
    """An ordered list of child rows that live and die with their parent."""
    return relationship(
        child,
        order_by=f"{child}.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )


def _child_table(name: str, parent_table: str, value_column: Column) -> dict:
    return {
        "__tablename__": name,
        "parent_id": Column(
            String(ID_LENGTH), ForeignKey(f"{parent_table}.id", ondelete="CASCADE"), primary_key=True
        ),
        "position": Column(Integer, primary_key=True),
        "value": value_column,
    }


class Tool(Base):
    """A workplace tool the municipality offers."""

    __tablename__ = "tools"
    id = Column(String(ID_LENGTH), primary_key=True)
    name = Column(String(NAME_LENGTH), nullable=False)
    category = Column(String(NAME_LENGTH), nullable=False)
    summary = Column(Text, nullable=False)
    access = Column(Text, nullable=False)
    training = Column(Text)
    support = Column(Text)
    url = Column(Text)
    data_classification = Column(String(32))
    updated_at = Column(DateTime(timezone=True), nullable=False, default=_now, onupdate=_now)

    aliases = _owned_list("ToolAlias")
    tasks = _owned_list("ToolTask")
    audience = _owned_list("ToolAudience")


ToolAlias = type("ToolAlias", (Base,), _child_table("tool_aliases", "tools", Column(String(NAME_LENGTH), nullable=False)))
ToolTask = type("ToolTask", (Base,), _child_table("tool_tasks", "tools", Column(Text, nullable=False)))
ToolAudience = type("ToolAudience", (Base,), _child_table("tool_audiences", "tools", Column(String(NAME_LENGTH), nullable=False)))


class PrivateTool(Base):
    """A consumer tool employees use privately, with the approved alternatives."""

    __tablename__ = "private_tools"
    id = Column(String(ID_LENGTH), primary_key=True)
    name = Column(String(NAME_LENGTH), nullable=False)
    category = Column(String(NAME_LENGTH), nullable=False)
    guidance = Column(Text, nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=_now, onupdate=_now)

    aliases = _owned_list("PrivateToolAlias")
    alternatives = _owned_list("PrivateToolAlternative")


PrivateToolAlias = type(
    "PrivateToolAlias", (Base,), _child_table("private_tool_aliases", "private_tools", Column(String(NAME_LENGTH), nullable=False))
)
PrivateToolAlternative = type(
    "PrivateToolAlternative",
    (Base,),
    _child_table("private_tool_alternatives", "private_tools", Column(String(ID_LENGTH), ForeignKey("tools.id"), nullable=False)),
)


class Process(Base):
    """A step-by-step guide for a common work process."""

    __tablename__ = "processes"
    id = Column(String(ID_LENGTH), primary_key=True)
    name = Column(String(NAME_LENGTH), nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=_now, onupdate=_now)

    aliases = _owned_list("ProcessAlias")
    steps = _owned_list("ProcessStep")
    tools = _owned_list("ProcessTool")
    audience = _owned_list("ProcessAudience")


ProcessAlias = type("ProcessAlias", (Base,), _child_table("process_aliases", "processes", Column(String(NAME_LENGTH), nullable=False)))
ProcessStep = type("ProcessStep", (Base,), _child_table("process_steps", "processes", Column(Text, nullable=False)))
ProcessTool = type(
    "ProcessTool", (Base,), _child_table("process_tools", "processes", Column(String(ID_LENGTH), ForeignKey("tools.id"), nullable=False))
)
ProcessAudience = type(
    "ProcessAudience", (Base,), _child_table("process_audiences", "processes", Column(String(NAME_LENGTH), nullable=False))
)


class CatalogueState(Base):
    """One row: a revision number that every import bumps, so readers know to refresh."""

    __tablename__ = "catalogue_state"
    id = Column(Integer, primary_key=True)
    revision = Column(Integer, nullable=False, default=0)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=_now)
