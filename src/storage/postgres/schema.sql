-- The PostgreSQL schema after every migration, for review only: the migrations in
-- migrations/*.sql are the source. Made with pg_dump -s of a store migrated into the
-- default schema "stint" (PostgreSQL 15); stint_migrations is created by migrate.ts.
-- Regenerate after adding a migration: migrate a scratch database, then
--   pg_dump -s -n stint --no-owner --no-privileges --no-comments <url>
-- minus the SET / \restrict lines.

-- Name: stint; Type: SCHEMA; Schema: -; Owner: -

CREATE SCHEMA stint;

-- Name: stint_migrations; Type: TABLE; Schema: stint; Owner: -

CREATE TABLE stint.stint_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

-- Name: task_log_items; Type: TABLE; Schema: stint; Owner: -

CREATE TABLE stint.task_log_items (
    seq bigint NOT NULL,
    log_id text NOT NULL COLLATE pg_catalog."C",
    type text NOT NULL COLLATE pg_catalog."C",
    message text NOT NULL,
    created_on timestamp with time zone NOT NULL,
    data jsonb,
    error jsonb,
    attempt integer,
    CONSTRAINT task_log_items_type_check CHECK ((type = ANY (ARRAY['info'::text, 'error'::text])))
);

-- Name: task_log_items_seq_seq; Type: SEQUENCE; Schema: stint; Owner: -

ALTER TABLE stint.task_log_items ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME stint.task_log_items_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: task_logs; Type: TABLE; Schema: stint; Owner: -

CREATE TABLE stint.task_logs (
    id text NOT NULL COLLATE pg_catalog."C",
    task_id text NOT NULL COLLATE pg_catalog."C",
    iteration integer NOT NULL,
    execution_name text NOT NULL COLLATE pg_catalog."C",
    created_on timestamp with time zone NOT NULL,
    created_by jsonb NOT NULL
);

-- Name: tasks; Type: TABLE; Schema: stint; Owner: -

CREATE TABLE stint.tasks (
    id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    definition_id text NOT NULL COLLATE pg_catalog."C",
    parent_id text COLLATE pg_catalog."C",
    execution_name text DEFAULT ''::text NOT NULL COLLATE pg_catalog."C",
    iterations integer DEFAULT 0 NOT NULL,
    max_iterations integer NOT NULL,
    input jsonb NOT NULL,
    output jsonb,
    status text DEFAULT 'pending'::text NOT NULL COLLATE pg_catalog."C",
    started_on timestamp with time zone,
    finished_on timestamp with time zone,
    event_response jsonb,
    created_on timestamp with time zone NOT NULL,
    saved_on timestamp with time zone NOT NULL,
    created_by jsonb NOT NULL,
    progress jsonb,
    run_at timestamp with time zone NOT NULL,
    attempt integer DEFAULT 0 NOT NULL,
    lease_owner text COLLATE pg_catalog."C",
    lease_token integer DEFAULT 0 NOT NULL,
    lease_expires_at timestamp with time zone,
    due_at timestamp with time zone,
    hook_pending boolean DEFAULT false NOT NULL,
    CONSTRAINT tasks_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'running'::text, 'success'::text, 'failed'::text, 'aborted'::text])))
);

-- Name: worker_slots; Type: TABLE; Schema: stint; Owner: -

CREATE UNLOGGED TABLE stint.worker_slots (
    worker_id text NOT NULL COLLATE pg_catalog."C",
    definition_ids text[] NOT NULL COLLATE pg_catalog."C",
    free integer NOT NULL,
    lease_ms bigint NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    handed text[] DEFAULT '{}'::text[] NOT NULL COLLATE pg_catalog."C",
    CONSTRAINT worker_slots_free_check CHECK ((free >= 0)),
    CONSTRAINT worker_slots_lease_ms_check CHECK ((lease_ms > 0))
);

-- Name: stint_migrations stint_migrations_pkey; Type: CONSTRAINT; Schema: stint; Owner: -

ALTER TABLE ONLY stint.stint_migrations
    ADD CONSTRAINT stint_migrations_pkey PRIMARY KEY (version);

-- Name: task_logs task_logs_pkey; Type: CONSTRAINT; Schema: stint; Owner: -

ALTER TABLE ONLY stint.task_logs
    ADD CONSTRAINT task_logs_pkey PRIMARY KEY (id);

-- Name: task_logs task_logs_task_iteration_key; Type: CONSTRAINT; Schema: stint; Owner: -

ALTER TABLE ONLY stint.task_logs
    ADD CONSTRAINT task_logs_task_iteration_key UNIQUE (task_id, iteration);

-- Name: tasks tasks_pkey; Type: CONSTRAINT; Schema: stint; Owner: -

ALTER TABLE ONLY stint.tasks
    ADD CONSTRAINT tasks_pkey PRIMARY KEY (id);

-- Name: worker_slots worker_slots_pkey; Type: CONSTRAINT; Schema: stint; Owner: -

ALTER TABLE ONLY stint.worker_slots
    ADD CONSTRAINT worker_slots_pkey PRIMARY KEY (worker_id);

-- Name: task_log_items_log_idx; Type: INDEX; Schema: stint; Owner: -

CREATE INDEX task_log_items_log_idx ON stint.task_log_items USING btree (log_id, seq);

-- Name: task_logs_created_idx; Type: INDEX; Schema: stint; Owner: -

CREATE INDEX task_logs_created_idx ON stint.task_logs USING btree (created_on DESC, id DESC);

-- Name: tasks_claim_idx; Type: INDEX; Schema: stint; Owner: -

CREATE INDEX tasks_claim_idx ON stint.tasks USING btree (due_at, id, definition_id) WHERE (due_at IS NOT NULL);

-- Name: tasks_created_idx; Type: INDEX; Schema: stint; Owner: -

CREATE INDEX tasks_created_idx ON stint.tasks USING btree (created_on DESC, id DESC);

-- Name: tasks_definition_idx; Type: INDEX; Schema: stint; Owner: -

CREATE INDEX tasks_definition_idx ON stint.tasks USING btree (definition_id, created_on DESC, id DESC);

-- Name: tasks_parent_idx; Type: INDEX; Schema: stint; Owner: -

CREATE INDEX tasks_parent_idx ON stint.tasks USING btree (parent_id, created_on DESC, id DESC) WHERE (parent_id IS NOT NULL);

-- Name: tasks_status_idx; Type: INDEX; Schema: stint; Owner: -

CREATE INDEX tasks_status_idx ON stint.tasks USING btree (status, created_on DESC, id DESC);

