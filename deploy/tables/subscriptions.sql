-- Deploy supervisor_event_store:tables/subscriptions to pg
-- requires: schemas/event_store

BEGIN;

CREATE TABLE event_store.subscriptions (
    subscription_name text        PRIMARY KEY
                      CONSTRAINT subscriptions_name_format CHECK (subscription_name ~ '^[A-Za-z0-9_.:-]{1,64}$'),
    event_types       text[],
    instance_ids      text[],
    project           text,
    members           int         NOT NULL DEFAULT 1
                      CONSTRAINT subscriptions_members_range CHECK (members BETWEEN 1 AND 1000),
    lease             interval    NOT NULL DEFAULT '30 seconds'
                      CONSTRAINT subscriptions_lease_range CHECK (lease BETWEEN '1 second' AND '1 day'),
    created_at        timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE event_store.subscriptions IS
    'Named followers of the change feed (read_all order) with a server-side checkpoint per consumer-group '
    'member (subscription_slots). Written only by create_subscription and drop_subscription.';
COMMENT ON COLUMN event_store.subscriptions.event_types IS 'Filter: only these event types (NULL = all).';
COMMENT ON COLUMN event_store.subscriptions.instance_ids IS 'Filter: only these instances (NULL = all).';
COMMENT ON COLUMN event_store.subscriptions.project IS 'Filter: only instances of this project (NULL = all).';
COMMENT ON COLUMN event_store.subscriptions.members IS
    'Consumer-group size: instance i goes to member _feed_slot(i, members), so each instance''s events go '
    'to one member, in order.';
COMMENT ON COLUMN event_store.subscriptions.lease IS
    'How long a member keeps its share without polling or acking; after that another member takes it over.';

REVOKE ALL ON event_store.subscriptions FROM PUBLIC;

COMMIT;
