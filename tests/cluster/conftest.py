"""The cluster (`bot run --cluster`: 2 Rasa + 2 action servers + web) on a fresh PostgreSQL catalogue
database and tracker store, and a flushed Redis database as the lock store. Its Rasa servers pull
the model in service from the web service every PULL_SECONDS; the fixture waits until both have it."""

from __future__ import annotations

import contextlib
import os

import pytest
from assistant_services import flushed_redis_db, running_stack
from browser_session import accessibility_violations, artifacts, browser, page  # noqa: F401 (test_catalogue_browser)
from cluster_replicas import LOAD_SECONDS, PULL_SECONDS, wait_until_served

from bot import throwaway

REDIS_DB_INDEX = 13


@pytest.fixture(scope="session")
def cluster(trained_model, tmp_path_factory):
    admin_url, redis_url = os.environ.get("BOT_TEST_POSTGRES_URL"), os.environ.get("BOT_TEST_REDIS_URL")
    if not (admin_url and redis_url):
        pytest.skip("BOT_TEST_POSTGRES_URL and BOT_TEST_REDIS_URL are needed for the cluster test")
    with (
        throwaway.postgres(admin_url, "digihjelpen_cluster") as db_url,
        throwaway.postgres(admin_url, "digihjelpen_cluster_tracker") as tracker_url,
        flushed_redis_db(redis_url, REDIS_DB_INDEX) as lock_url,
        contextlib.ExitStack() as running,
    ):
        with pytest.MonkeyPatch.context() as patch:  # only for the start: the services copy the environment
            patch.setenv("BOT_MODEL_PULL_SECONDS", str(PULL_SECONDS))
            stack = running.enter_context(
                running_stack(
                    trained_model, db_url, tracker_url, tmp_path_factory.mktemp("cluster"), lock_store_url=lock_url
                )
            )
        wait_until_served(stack.rasa_urls, trained_model.name, PULL_SECONDS + LOAD_SECONDS)
        yield stack
