-- Orleans ADO.NET providers (clustering, grain storage, reminders) for PostgreSQL 15.
--
-- The providers only ever run the statements stored in OrleansQuery, looked up by key, and read results by
-- column name. Parameter names and result column names are therefore the contract; table layout, functions and
-- indexes are ours. Two deliberate differences from the scripts published with Orleans:
--   * CleanupDefunctSiloEntriesKey exists (the clustering provider refuses to start without it) and only removes
--     rows of silos that were declared Dead, never a row of a silo that may still be joining or alive;
--   * orleans_storage has a UNIQUE key over the grain identity (NULLS NOT DISTINCT), so two activations writing the
--     first state of one grain at once cannot both insert; the loser gets no version back, which the provider turns
--     into an InconsistentStateException.

CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

------------------------------------------------------------------------------------------------------------------------
-- Clustering (membership protocol). Status values: 0 None, 1 Created, 2 Joining, 3 Active, 4 ShuttingDown,
-- 5 Stopping, 6 Dead.
------------------------------------------------------------------------------------------------------------------------

CREATE TABLE orleans_membership_version
(
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    changed_at    timestamptz(3) NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 0
);

CREATE TABLE orleans_membership
(
    deployment_id  varchar(150) NOT NULL REFERENCES orleans_membership_version (deployment_id),
    address        varchar(45)  NOT NULL,
    port           integer      NOT NULL,
    generation     integer      NOT NULL,
    silo_name      varchar(150) NOT NULL,
    host_name      varchar(150) NOT NULL,
    status         integer      NOT NULL,
    proxy_port     integer      NULL,
    suspect_times  varchar(8000) NULL,
    start_time     timestamptz(3) NOT NULL,
    i_am_alive_time timestamptz(3) NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Both membership writes bump the table version and change a silo row as one step. They answer 1 on success and 0
-- when the caller's version is stale or the row is missing/present against expectation; a 0 leaves nothing changed,
-- because the inner block's savepoint is rolled back by the raised condition.
CREATE FUNCTION orleans_membership_insert(
    p_deployment_id varchar, p_address varchar, p_port integer, p_generation integer, p_silo_name varchar,
    p_host_name varchar, p_status integer, p_proxy_port integer, p_start_time timestamptz,
    p_i_am_alive_time timestamptz, p_version integer)
RETURNS integer
LANGUAGE plpgsql AS
$$
BEGIN
    BEGIN
        UPDATE orleans_membership_version
           SET version = version + 1, changed_at = now()
         WHERE deployment_id = p_deployment_id AND version = p_version;
        IF NOT FOUND THEN
            RETURN 0;
        END IF;

        INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                        proxy_port, start_time, i_am_alive_time)
        VALUES (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
                p_proxy_port, p_start_time, p_i_am_alive_time)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            RAISE SQLSTATE 'MKM01';
        END IF;
    EXCEPTION WHEN SQLSTATE 'MKM01' THEN
        RETURN 0;
    END;
    RETURN 1;
END
$$;

CREATE FUNCTION orleans_membership_update(
    p_deployment_id varchar, p_address varchar, p_port integer, p_generation integer, p_status integer,
    p_suspect_times varchar, p_i_am_alive_time timestamptz, p_version integer)
RETURNS integer
LANGUAGE plpgsql AS
$$
BEGIN
    BEGIN
        UPDATE orleans_membership_version
           SET version = version + 1, changed_at = now()
         WHERE deployment_id = p_deployment_id AND version = p_version;
        IF NOT FOUND THEN
            RETURN 0;
        END IF;

        UPDATE orleans_membership
           SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
         WHERE deployment_id = p_deployment_id AND address = p_address AND port = p_port
           AND generation = p_generation;
        IF NOT FOUND THEN
            RAISE SQLSTATE 'MKM01';
        END IF;
    EXCEPTION WHEN SQLSTATE 'MKM01' THEN
        RETURN 0;
    END;
    RETURN 1;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', '
    WITH inserted AS (
        INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
        ON CONFLICT DO NOTHING
        RETURNING 1)
    SELECT count(*)::integer FROM inserted;'),

('InsertMembershipKey', '
    SELECT orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                                     @ProxyPort, @StartTime, @IAmAliveTime, @Version);'),

('UpdateMembershipKey', '
    SELECT orleans_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                                     @IAmAliveTime, @Version);'),

('UpdateIAmAlivetimeKey', '
    UPDATE orleans_membership
       SET i_am_alive_time = @IAmAliveTime
     WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;'),

('MembershipReadRowKey', '
    SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
           m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
           m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime,
           v.version AS Version
      FROM orleans_membership_version v
      LEFT JOIN orleans_membership m
             ON m.deployment_id = v.deployment_id
            AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
     WHERE v.deployment_id = @DeploymentId;'),

('MembershipReadAllKey', '
    SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
           m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
           m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime,
           v.version AS Version
      FROM orleans_membership_version v
      LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
     WHERE v.deployment_id = @DeploymentId;'),

('DeleteMembershipTableEntriesKey', '
    DELETE FROM orleans_membership WHERE deployment_id = @DeploymentId;
    DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;'),

('GatewaysQueryKey', '
    SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
      FROM orleans_membership
     WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;'),

('CleanupDefunctSiloEntriesKey', '
    DELETE FROM orleans_membership
     WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status = 6;');

------------------------------------------------------------------------------------------------------------------------
-- Grain storage. GrainTypeString carries the state name given to [PersistentState], so every grain class must use
-- a state name of its own.
------------------------------------------------------------------------------------------------------------------------

CREATE TABLE orleans_storage
(
    grain_id_hash    integer      NOT NULL,
    grain_id_n0      bigint       NOT NULL,
    grain_id_n1      bigint       NOT NULL,
    grain_type_hash  integer      NOT NULL,
    grain_type       varchar(512) NOT NULL,
    grain_key_string varchar(512) NULL,
    service_id       varchar(150) NOT NULL,
    payload          bytea        NULL,
    modified_at      timestamptz  NOT NULL DEFAULT now(),
    version          integer      NOT NULL,
    CONSTRAINT uq_orleans_storage_grain UNIQUE NULLS NOT DISTINCT
        (service_id, grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, grain_type, grain_key_string)
);

-- Writes a grain's state with optimistic concurrency. Answers the new version, or the caller's version (or NULL on
-- a first write) when someone else won, which the provider reports as a version conflict.
CREATE FUNCTION orleans_storage_write(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type varchar, p_grain_key_string varchar, p_service_id varchar, p_version integer, p_payload bytea)
RETURNS TABLE (NewGrainStateVersion integer)
LANGUAGE plpgsql AS
$$
DECLARE
    v_new integer;
BEGIN
    IF p_version IS NULL THEN
        INSERT INTO orleans_storage (grain_id_hash, grain_id_n0, grain_id_n1, grain_type_hash, grain_type,
                                     grain_key_string, service_id, payload, version)
        VALUES (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type,
                p_grain_key_string, p_service_id, p_payload, 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO v_new;
    ELSE
        UPDATE orleans_storage
           SET payload = p_payload, version = version + 1, modified_at = now()
         WHERE service_id = p_service_id AND grain_id_hash = p_grain_id_hash
           AND grain_type_hash = p_grain_type_hash AND grain_id_n0 = p_grain_id_n0
           AND grain_id_n1 = p_grain_id_n1 AND grain_type = p_grain_type
           AND grain_key_string IS NOT DISTINCT FROM p_grain_key_string
           AND version = p_version
        RETURNING version INTO v_new;
        IF v_new IS NULL THEN
            v_new := p_version;
        END IF;
    END IF;
    RETURN QUERY SELECT v_new;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', '
    SELECT NewGrainStateVersion
      FROM orleans_storage_write(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                                 @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);'),

('ReadFromStorageKey', '
    SELECT payload AS PayloadBinary, version AS Version
      FROM orleans_storage
     WHERE service_id = @ServiceId AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
       AND grain_key_string IS NOT DISTINCT FROM @GrainIdExtensionString;'),

('ClearStorageKey', '
    UPDATE orleans_storage
       SET payload = NULL, version = version + 1, modified_at = now()
     WHERE service_id = @ServiceId AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
       AND grain_key_string IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion
    RETURNING version AS NewGrainStateVersion;'),

('DeleteStorageKey', '
    DELETE FROM orleans_storage
     WHERE service_id = @ServiceId AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
       AND grain_key_string IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion
    RETURNING version + 1 AS NewGrainStateVersion;');

------------------------------------------------------------------------------------------------------------------------
-- Reminders. Period is in milliseconds; GrainHash places a reminder in the silo ring.
------------------------------------------------------------------------------------------------------------------------

CREATE TABLE orleans_reminders
(
    service_id    varchar(150) NOT NULL,
    grain_id      varchar(150) NOT NULL,
    reminder_name varchar(150) NOT NULL,
    start_time    timestamptz(3) NOT NULL,
    period        bigint       NOT NULL,
    grain_hash    integer      NOT NULL,
    version       integer      NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX ix_orleans_reminders_ring ON orleans_reminders (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey', '
    INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period::bigint, @GrainHash, 0)
    ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
       SET start_time = excluded.start_time, period = excluded.period, grain_hash = excluded.grain_hash,
           version = orleans_reminders.version + 1
    RETURNING version AS Version;'),

('ReadReminderRowsKey', '
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period,
           version AS Version
      FROM orleans_reminders
     WHERE service_id = @ServiceId AND grain_id = @GrainId;'),

('ReadReminderRowKey', '
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period,
           version AS Version
      FROM orleans_reminders
     WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName;'),

('ReadRangeRows1Key', '
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period,
           version AS Version
      FROM orleans_reminders
     WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash;'),

('ReadRangeRows2Key', '
    SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period,
           version AS Version
      FROM orleans_reminders
     WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);'),

('DeleteReminderRowKey', '
    WITH deleted AS (
        DELETE FROM orleans_reminders
         WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
           AND version = @Version
        RETURNING 1)
    SELECT count(*)::integer FROM deleted;'),

('DeleteReminderRowsKey', '
    DELETE FROM orleans_reminders WHERE service_id = @ServiceId;');
