"""SQLAlchemy models of the tool catalogue: workplace tools, private tools, processes, and the
audit trail of changes made to entries one at a time (not by a file import)."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import relationship

from bot.db import Base, utc_now

ID_LENGTH = 64
NAME_LENGTH = 200


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
        "parent_id": Column(String(ID_LENGTH), ForeignKey(f"{parent_table}.id", ondelete="CASCADE"), primary_key=True),
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
    owner = Column(String(NAME_LENGTH))  # a person or team, with contact
    reviewed = Column(Date)  # when the owner last checked the entry
    summary_nn = Column(Text)  # nynorsk twins (catalogue format 1.2)
    access_nn = Column(Text)
    training_nn = Column(Text)
    support_nn = Column(Text)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utc_now, onupdate=utc_now)

    aliases = _owned_list("ToolAlias")
    tasks = _owned_list("ToolTask")
    tasks_nn = _owned_list("ToolTaskNn")
    audience = _owned_list("ToolAudience")


ToolAlias = type(
    "ToolAlias", (Base,), _child_table("tool_aliases", "tools", Column(String(NAME_LENGTH), nullable=False))
)
ToolTask = type("ToolTask", (Base,), _child_table("tool_tasks", "tools", Column(Text, nullable=False)))
ToolTaskNn = type("ToolTaskNn", (Base,), _child_table("tool_tasks_nn", "tools", Column(Text, nullable=False)))
ToolAudience = type(
    "ToolAudience", (Base,), _child_table("tool_audiences", "tools", Column(String(NAME_LENGTH), nullable=False))
)


class PrivateTool(Base):
    """A consumer tool employees use privately, with the approved alternatives."""

    __tablename__ = "private_tools"
    id = Column(String(ID_LENGTH), primary_key=True)
    name = Column(String(NAME_LENGTH), nullable=False)
    category = Column(String(NAME_LENGTH), nullable=False)
    guidance = Column(Text, nullable=False)
    guidance_nn = Column(Text)
    owner = Column(String(NAME_LENGTH))  # a person or team, with contact
    reviewed = Column(Date)  # when the owner last checked the entry
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utc_now, onupdate=utc_now)

    aliases = _owned_list("PrivateToolAlias")
    alternatives = _owned_list("PrivateToolAlternative")


PrivateToolAlias = type(
    "PrivateToolAlias",
    (Base,),
    _child_table("private_tool_aliases", "private_tools", Column(String(NAME_LENGTH), nullable=False)),
)
PrivateToolAlternative = type(
    "PrivateToolAlternative",
    (Base,),
    _child_table(
        "private_tool_alternatives", "private_tools", Column(String(ID_LENGTH), ForeignKey("tools.id"), nullable=False)
    ),
)


class Process(Base):
    """A step-by-step guide for a common work process."""

    __tablename__ = "processes"
    id = Column(String(ID_LENGTH), primary_key=True)
    name = Column(String(NAME_LENGTH), nullable=False)
    owner = Column(String(NAME_LENGTH))  # a person or team, with contact
    reviewed = Column(Date)  # when the owner last checked the entry
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utc_now, onupdate=utc_now)

    aliases = _owned_list("ProcessAlias")
    steps = _owned_list("ProcessStep")
    steps_nn = _owned_list("ProcessStepNn")
    tools = _owned_list("ProcessTool")
    audience = _owned_list("ProcessAudience")


ProcessAlias = type(
    "ProcessAlias", (Base,), _child_table("process_aliases", "processes", Column(String(NAME_LENGTH), nullable=False))
)
ProcessStep = type("ProcessStep", (Base,), _child_table("process_steps", "processes", Column(Text, nullable=False)))
ProcessStepNn = type(
    "ProcessStepNn", (Base,), _child_table("process_steps_nn", "processes", Column(Text, nullable=False))
)
ProcessTool = type(
    "ProcessTool",
    (Base,),
    _child_table("process_tools", "processes", Column(String(ID_LENGTH), ForeignKey("tools.id"), nullable=False)),
)
ProcessAudience = type(
    "ProcessAudience",
    (Base,),
    _child_table("process_audiences", "processes", Column(String(NAME_LENGTH), nullable=False)),
)


class CatalogueState(Base):
    """One row: a revision number that every import bumps, so readers know to refresh."""

    __tablename__ = "catalogue_state"
    id = Column(Integer, primary_key=True)
    revision = Column(Integer, nullable=False, default=0)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)


ENTRY_KINDS = ("tool", "private_tool", "process")  # as in the CSV's kind column


class CatalogueChange(Base):
    """One change to one catalogue entry made outside a file import: who, when, what, from what
    to what.

    `action` says what happened ("task_added", "alias_added"; an editor may add "created",
    "updated", "deleted"), `field` which field changed (None when the whole entry was created or
    deleted), and `before_json`/`after_json` hold the value before and after as JSON: the field's
    list for a field change, the whole entry (as `bot catalogue export` writes it) for a create,
    update or delete, and null for what did not exist. `inbox_item_id` names the trainer-inbox
    message the change came from; it is no foreign key, so the record outlives the message
    (retention deletes inbox messages). `entry_id` is no foreign key either: the trail of a
    deleted entry stays.
    """

    __tablename__ = "catalogue_changes"
    id = Column(Integer, primary_key=True, autoincrement=True)
    changed_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    changed_by = Column(String(100), nullable=False)  # the admin user's name, or "cli"
    entry_kind = Column(String(20), nullable=False)  # one of ENTRY_KINDS
    entry_id = Column(String(ID_LENGTH), nullable=False)
    action = Column(String(20), nullable=False)
    field = Column(String(30))
    before_json = Column(Text)
    after_json = Column(Text)
    inbox_item_id = Column(Integer)

    __table_args__ = (Index("ix_catalogue_changes_entry", "entry_kind", "entry_id", "changed_at"),)


class ServiceMessage(Base):
    """A service message (driftsmelding) about one tool, shown from `starts_at` until `ends_at`
    (bot/catalogue/service_messages.py). `tool_id` is no foreign key: a message outlives a tool
    an import removes, and is simply not shown. `text` is stored masked."""

    __tablename__ = "service_messages"
    id = Column(Integer, primary_key=True, autoincrement=True)
    tool_id = Column(String(ID_LENGTH), nullable=False)
    text = Column(Text, nullable=False)
    starts_at = Column(DateTime(timezone=True), nullable=False)
    ends_at = Column(DateTime(timezone=True), nullable=False, index=True)
    created_by = Column(String(100), nullable=False)  # the admin user's name, "api:<token label>" or "cli"
    created_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    ended_by = Column(String(100))  # who ended it early, if anyone
