-- Run once by the postgres image on an empty data directory: the tracker store's own database,
-- kept apart from the catalogue so `bot privacy purge` and backups can treat them separately.
CREATE DATABASE digihjelpen_tracker OWNER digihjelpen;
