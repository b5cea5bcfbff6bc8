-- Run once by the postgres image when its data volume is new (docker-entrypoint-initdb.d), as
-- POSTGRES_USER in POSTGRES_DB (the Switchboard stores, SWITCHBOARD_DATABASE_URL). Rasa's tracker
-- store gets a database of its own (SWITCHBOARD_TRACKER_URL), so its "events" table and the
-- stores' tables never meet and each can be backed up and restored on its own.
CREATE DATABASE switchboard_tracker;
