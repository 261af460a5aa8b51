"""What trainers add to the training data, kept in the database beside the project's data/ files:
examples of an intent, and new intents (themes) with their Norwegian name and answer. Each row
says who added it and when. Training merges them with the files (bot.training.inputs)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint

from bot.db import Base, utc_now


class TrainingIntent(Base):
    """A new intent made by a trainer: its name in the training data (`name`, e.g. gjestenett),
    its name shown to trainers (`display_name`) and the answer the bot gives (utter_<name>)."""

    __tablename__ = "training_intents"
    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(100), nullable=False)
    response = Column(Text, nullable=False)
    added_by = Column(String(100), nullable=False)
    added_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)


class TrainingExample(Base):
    """An example of an intent (of the files or a TrainingIntent) as it is written into the NLU
    data: masked, tool names marked up. `inbox_item_id` is the inbox message it came from, if any."""

    __tablename__ = "training_examples"
    id = Column(Integer, primary_key=True, autoincrement=True)
    intent = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)
    added_by = Column(String(100), nullable=False)
    added_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    inbox_item_id = Column(Integer, ForeignKey("inbox_items.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_training_examples_intent", "intent"),)


class TrainingRequest(Base):
    """One training asked for with «Lag ny versjon» (bot.training.queue): who asked and when, its
    state (queued, running, succeeded, failed), the stage it is at, the candidate it trained and
    the outcome in Norwegian. `active` is 1 while queued or running and NULL after: its unique
    constraint lets only one training wait or run at a time, whichever web replica queues it."""

    __tablename__ = "training_requests"
    id = Column(Integer, primary_key=True, autoincrement=True)
    requested_by = Column(String(100), nullable=False)
    requested_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
    state = Column(String(20), nullable=False, default="queued")
    active = Column(Integer)
    stage = Column(String(100), nullable=False, default="")
    started_at = Column(DateTime(timezone=True))
    heartbeat_at = Column(DateTime(timezone=True))
    finished_at = Column(DateTime(timezone=True))
    candidate = Column(String(200))
    promoted = Column(Integer)
    outcome = Column(Text)

    __table_args__ = (UniqueConstraint("active", name="uq_training_requests_active"),)


class ModelChange(Base):
    """A model put in service or rolled back from the trainer page: who, when, which model instead
    of which (the audit trail of those actions)."""

    __tablename__ = "model_changes"
    id = Column(Integer, primary_key=True, autoincrement=True)
    action = Column(String(20), nullable=False)  # "promote" or "rollback"
    model = Column(String(200), nullable=False)
    replaced = Column(String(200))
    changed_by = Column(String(100), nullable=False)
    changed_at = Column(DateTime(timezone=True), nullable=False, default=utc_now)
