-- 0004: complaints, their timeline, SLA pauses and fired milestones, external references,
-- attachments and explanation requests.

create table complaints (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  department_id integer references departments(id),
  assignee_staff_id integer references staff(id),
  staff_involved_id integer references staff(id),
  patient_id integer references patients(id),
  type text not null check (type in ('complaint','inquiry','appreciation')),
  status text not null check (status in ('open','in_progress','on_hold','partially_resolved','resolved','closed','cancelled','reopened')),
  severity text not null check (severity in ('low','medium','high','critical')),
  priority text not null check (priority in ('low','medium','high','urgent')),
  source_code text not null,
  category_id integer,
  title text not null,
  description text not null,
  contact_name text not null default '',
  contact_phone text not null default '',
  contact_email text not null default '',
  preferred_language text not null default 'ar' check (preferred_language in ('en','ar')),
  encounter_id text not null default '',
  tracking_code text not null unique,
  resolution text not null default '',
  hold_reason text not null default '',
  merged_into integer references complaints(id),
  sla_rule text not null,               -- the rule in force (JSON), so later rule edits do not move old due times
  sla_cycle integer not null default 1, -- a reopened complaint starts a new SLA cycle
  sla_start text not null,
  due_at text not null default '',
  next_milestone_at text not null default '', -- '' when nothing is left to fire (or paused / finished)
  breached integer not null default 0,
  created_by text not null default '',
  created_at text not null,
  updated_at text not null,
  resolved_at text not null default '',
  closed_at text not null default ''
) strict;
create index complaints_hospital on complaints(hospital_id);
create index complaints_hospital_status on complaints(hospital_id, status);
create index complaints_status on complaints(status);
create index complaints_patient on complaints(patient_id, created_at) where patient_id is not null;
create index complaints_phone on complaints(contact_phone, created_at) where contact_phone != '';
create index complaints_sweep on complaints(next_milestone_at) where next_milestone_at != '';

create table complaint_timeline (
  id integer primary key,
  complaint_id integer not null references complaints(id),
  at text not null,
  actor_id text not null default '',
  actor_name text not null default '',
  kind text not null,
  from_status text not null default '',
  to_status text not null default '',
  note text not null default '',
  public integer not null default 0
) strict;
create index complaint_timeline_complaint on complaint_timeline(complaint_id, id);

create table complaint_pauses (
  id integer primary key,
  complaint_id integer not null references complaints(id),
  cycle integer not null,
  started_at text not null,
  ended_at text not null default '',
  reason text not null
) strict;
create index complaint_pauses_complaint on complaint_pauses(complaint_id, cycle, id);

-- One row per reminder, breach and escalation that fired: the primary key makes each
-- fire exactly once, also across restarts and concurrent sweeps.
create table complaint_sla_events (
  complaint_id integer not null references complaints(id),
  cycle integer not null,
  kind text not null,
  due_at text not null,
  fired_at text not null,
  primary key (complaint_id, cycle, kind)
) strict, without rowid;

create table complaint_refs (
  complaint_id integer not null references complaints(id),
  hospital_id integer not null references hospitals(id),
  authority text not null check (authority in ('moh','chi')),
  ref text not null,
  primary key (complaint_id, authority),
  unique (hospital_id, authority, ref)
) strict, without rowid;

create table complaint_attachments (
  id integer primary key,
  complaint_id integer not null references complaints(id),
  sha256 text not null,
  name text not null,
  content_type text not null,
  size integer not null,
  uploaded_by text not null,
  created_at text not null
) strict;
create index complaint_attachments_complaint on complaint_attachments(complaint_id);

create table complaint_explanations (
  id integer primary key,
  complaint_id integer not null references complaints(id),
  staff_id integer not null references staff(id),
  question text not null,
  requested_by text not null,
  requested_at text not null,
  due_at text not null,
  reminded_at text not null default '',
  answered_at text not null default '',
  answer text not null default ''
) strict;
create index complaint_explanations_complaint on complaint_explanations(complaint_id);
create index complaint_explanations_open on complaint_explanations(due_at) where answered_at = '';
