-- 0009: improvement actions (routing rules, approval chains, timeline, signals that
-- created or joined them), evidence and other attachments of any record, and root
-- cause analyses.

create table actions (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  department_id integer references departments(id),
  owner_user_id text not null default '',
  owner_role text not null default '',
  source text not null,
  source_id text not null default '',
  group_key text not null default '',
  signal_count integer not null default 1,
  title_en text not null default '',
  title_ar text not null default '',
  description_en text not null default '',
  description_ar text not null default '',
  category text not null default '',
  severity text not null default 'medium',
  priority text not null default 'medium',
  status text not null check (status in ('open','in_progress','pending_approval','approved','closed','rejected','cancelled')),
  due_at text not null default '',
  due_soon_at text not null default '',     -- '' once the reminder went (or not needed)
  overdue_at text not null default '',      -- '' once the overdue notice went
  created_by text not null default '',
  created_at text not null,
  updated_at text not null,
  closed_at text not null default ''
) strict;
create index actions_hospital on actions(hospital_id, id);
create index actions_owner on actions(owner_user_id, status) where owner_user_id != '';
create index actions_status on actions(status, id);
create index actions_source on actions(source, source_id);
-- At most one unfinished action per group (similar signals of one department in one week).
create unique index actions_group on actions(group_key) where group_key != '' and status not in ('closed','cancelled');
create index actions_due_soon on actions(due_soon_at) where due_soon_at != '';
create index actions_overdue on actions(overdue_at) where overdue_at != '';

-- Each signal (a negative survey response, an unhappy complainant, …) once: replaying
-- the event that carried it changes nothing.
create table action_signals (
  source text not null,
  source_id text not null,
  action_id integer not null references actions(id),
  created_at text not null,
  primary key (source, source_id)
) strict, without rowid;
create index action_signals_action on action_signals(action_id);

create table action_approvals (
  action_id integer not null references actions(id),
  round integer not null,
  level integer not null,
  role text not null,
  decided_by text not null default '',
  decided_at text not null default '',
  approved integer not null default 0,
  comment text not null default '',
  primary key (action_id, round, level)
) strict, without rowid;

create table action_timeline (
  id integer primary key,
  action_id integer not null references actions(id),
  at text not null,
  actor text not null default '',
  kind text not null,
  from_status text not null default '',
  to_status text not null default '',
  note text not null default ''
) strict;
create index action_timeline_action on action_timeline(action_id, id);

create table routing_rules (
  id integer primary key,
  position integer not null,
  hospital_id integer not null default 0,
  source text not null default '',
  department_id integer not null default 0,
  category text not null default '',
  severity text not null default '',
  to_user_id text not null default '',
  to_role text not null default '',
  to_department_id integer not null default 0,
  active integer not null default 1,
  created_at text not null,
  updated_at text not null
) strict;
create index routing_rules_position on routing_rules(position, id);

create table action_settings (
  hospital_id integer primary key references hospitals(id),
  settings text not null,                  -- JSON of app.ActionSettings
  updated_at text not null
) strict;

-- Files attached to any record (action evidence, RCA documents, observations, …).
create table attachments (
  id integer primary key,
  record_type text not null,
  record_id integer not null,
  hospital_id integer not null,
  sha256 text not null,
  name text not null,
  content_type text not null,
  size integer not null,
  uploaded_by text not null,
  created_at text not null
) strict;
create index attachments_record on attachments(record_type, record_id);

create table rcas (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  title text not null,
  problem text not null default '',
  status text not null check (status in ('draft','in_progress','review','closed')),
  likelihood integer not null default 0,
  impact integer not null default 0,
  created_by text not null default '',
  created_at text not null,
  updated_at text not null,
  closed_at text not null default ''
) strict;
create index rcas_hospital on rcas(hospital_id, id);

create table rca_links (
  rca_id integer not null references rcas(id),
  record_type text not null,
  record_id integer not null,
  primary key (rca_id, record_type, record_id)
) strict, without rowid;
create index rca_links_record on rca_links(record_type, record_id);

create table rca_team (
  rca_id integer not null references rcas(id),
  user_id text not null,
  primary key (rca_id, user_id)
) strict, without rowid;

create table rca_root_causes (
  id integer primary key,
  rca_id integer not null references rcas(id),
  category text not null,
  text text not null,
  whys text not null default '[]'
) strict;
create index rca_root_causes_rca on rca_root_causes(rca_id);

create table rca_corrective_actions (
  id integer primary key,
  rca_id integer not null references rcas(id),
  text text not null,
  owner_user_id text not null default '',
  due_at text not null default '',
  status text not null default 'open' check (status in ('open','done')),
  effectiveness integer not null default 0
) strict;
create index rca_corrective_rca on rca_corrective_actions(rca_id);
create index rca_corrective_owner on rca_corrective_actions(owner_user_id) where owner_user_id != '';

create table rca_history (
  id integer primary key,
  rca_id integer not null references rcas(id),
  at text not null,
  actor text not null default '',
  from_status text not null default '',
  to_status text not null,
  note text not null default ''
) strict;
create index rca_history_rca on rca_history(rca_id, id);
