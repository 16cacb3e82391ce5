-- 0008: HIS integration and patient journeys: integrations with hashed API keys, the
-- inbound message log (every message kept, parsed or not), visits and their events,
-- journey templates with stages, journey instances and the surveys they schedule.

create table integrations (
  id integer primary key,
  name text not null unique,
  kind text not null check (kind in ('hl7','json')),
  hospital_id integer references hospitals(id),  -- null: events name their hospital
  key_hash text not null unique,
  key_prefix text not null,                     -- the first characters, to recognise a key
  listen_addr text not null default '',
  event_map text not null default '{}',          -- JSON: external event code -> A01…
  enabled integer not null default 1,
  created_at text not null,
  updated_at text not null
) strict;

-- Every message or event received, before anything is done with it: nothing is dropped.
create table his_messages (
  id integer primary key,
  integration_id integer not null references integrations(id),
  received_at text not null,
  format text not null check (format in ('hl7','json')),
  external_id text not null,                    -- HL7 control id or the event's event_id
  raw text not null,                           -- as received, national IDs replaced by a marker
  nid_enc blob,                                -- the national ID, encrypted
  status text not null check (status in ('received','processed','duplicate','error')),
  error text not null default '',
  event text not null default '',
  mrn text not null default '',
  visit text not null default '',
  hospital_id integer,
  processed_at text not null default '',
  attempts integer not null default 0
) strict;
create unique index his_messages_external on his_messages(integration_id, external_id) where external_id != '';
create index his_messages_todo on his_messages(id) where status = 'received';
create index his_messages_integration on his_messages(integration_id, id);
create index his_messages_status on his_messages(status, id);
create index his_messages_mrn on his_messages(mrn, id) where mrn != '';

create table his_visits (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  patient_id integer not null references patients(id),
  visit_number text not null,
  patient_class text not null default '',
  department_id integer references departments(id),
  location text not null default '',
  doctor text not null default '',
  admit_at text not null default '',
  discharge_at text not null default '',
  cancelled integer not null default 0,
  last_event text not null default '',
  last_event_at text not null default '',
  created_at text not null,
  updated_at text not null,
  unique (hospital_id, visit_number)
) strict;
create index his_visits_patient on his_visits(patient_id, id);

create table his_visit_events (
  id integer primary key,
  visit_id integer not null references his_visits(id),
  message_id integer not null references his_messages(id),
  event text not null,
  occurred_at text not null,
  created_at text not null
) strict;
create index his_visit_events_visit on his_visit_events(visit_id, occurred_at);

create table journey_templates (
  id integer primary key,
  hospital_id integer not null default 0,
  code text not null,
  name_en text not null,
  name_ar text not null,
  patient_classes text not null,               -- comma-separated PV1-2 classes it starts for
  active integer not null default 1,
  created_at text not null,
  updated_at text not null,
  unique (hospital_id, code)
) strict;

create table journey_stages (
  id integer primary key,
  template_id integer not null references journey_templates(id),
  seq integer not null,
  code text not null,
  name_en text not null,
  name_ar text not null,
  trigger_event text not null,                 -- A01, A03, …
  survey_family integer,                       -- a survey to send when the stage completes
  delay_minutes integer not null default 0,
  window_start integer not null default 480,   -- minutes after midnight, hospital time
  window_end integer not null default 1260,
  unique (template_id, seq)
) strict;

create table journey_instances (
  id integer primary key,
  visit_id integer not null unique references his_visits(id),
  template_id integer not null references journey_templates(id),
  status text not null check (status in ('active','completed','cancelled')),
  started_at text not null,
  completed_at text not null default '',
  updated_at text not null
) strict;

create table journey_stage_status (
  instance_id integer not null references journey_instances(id),
  stage_id integer not null references journey_stages(id),
  completed_at text not null,
  message_id integer,
  primary key (instance_id, stage_id)
) strict, without rowid;

-- Surveys a completed stage scheduled: sent by the minute job when due.
create table journey_surveys (
  id integer primary key,
  instance_id integer not null references journey_instances(id),
  stage_id integer not null references journey_stages(id),
  due_at text not null,
  status text not null check (status in ('scheduled','sent','skipped','cancelled')),
  reason text not null default '',
  survey_instance_id integer,
  created_at text not null,
  updated_at text not null,
  unique (instance_id, stage_id)
) strict;
create index journey_surveys_due on journey_surveys(due_at) where status = 'scheduled';
