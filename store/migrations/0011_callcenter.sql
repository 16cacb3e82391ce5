-- 0011: call-center interactions and the CSV files they were imported from; staff
-- appreciation with its categories and the badges it earns.

create table call_imports (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  file_name text not null default '',
  row_count integer not null default 0,
  good_rows integer not null default 0,
  bad_rows integer not null default 0,
  created_by text not null,
  created_at text not null
) strict;
create index call_imports_hospital on call_imports(hospital_id, id);

create table call_interactions (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  department_id integer references departments(id),
  call_type text not null check (call_type in ('inquiry','complaint','appointment','follow_up','feedback')),
  caller_name text not null default '',
  caller_phone text not null default '',
  patient_id integer references patients(id),
  agent_user_id text not null references users(id),
  agent_email text not null,
  started_at text not null,
  wait_seconds integer not null default 0 check (wait_seconds between 0 and 86400),
  talk_seconds integer not null default 0 check (talk_seconds between 0 and 86400),
  resolved integer not null default 0,
  resolution text not null default '',
  satisfaction integer check (satisfaction between 1 and 5),
  notes text not null default '',
  low_rating_emitted integer not null default 0, -- the callcenter.low_rating event went out (once per call)
  import_id integer references call_imports(id),
  created_by text not null,
  created_at text not null,
  updated_at text not null
) strict;
create index call_interactions_hospital on call_interactions(hospital_id, id);
-- Agent performance reads a hospital's calls of a period, grouped by agent.
create index call_interactions_period on call_interactions(hospital_id, started_at, agent_user_id);
create index call_interactions_agent on call_interactions(agent_user_id, id);
create index call_interactions_patient on call_interactions(patient_id) where patient_id is not null;
create index call_interactions_phone on call_interactions(caller_phone) where caller_phone != '';
-- The same call record imported twice (the same file uploaded again) is refused row by row.
create unique index call_interactions_imported on call_interactions(hospital_id, agent_email, started_at, caller_phone)
  where import_id is not null;

create table appreciation_categories (
  id integer primary key,
  code text not null unique,
  name_en text not null,
  name_ar text not null,
  sort integer not null default 0,
  active integer not null default 1
) strict;
insert into appreciation_categories(code, name_en, name_ar, sort) values
  ('excellent_care', 'Excellent care', 'رعاية متميزة', 1),
  ('kindness', 'Kindness', 'اللطف وحسن المعاملة', 2),
  ('professionalism', 'Professionalism', 'الاحترافية', 3),
  ('teamwork', 'Teamwork', 'العمل بروح الفريق', 4),
  ('extra_mile', 'Going the extra mile', 'بذل جهد استثنائي', 5),
  ('communication', 'Communication', 'حسن التواصل', 6);

-- An appreciation's sender_user_id is who wrote or recorded it. It is kept even for an
-- anonymous one, only to stop abuse (badge farming), and is never shown to anyone.
create table appreciations (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  department_id integer references departments(id),
  recipient_staff_id integer not null references staff(id),
  recipient_user_id text not null default '',
  sender_kind text not null check (sender_kind in ('patient','family','colleague')),
  sender_name text not null default '',
  sender_user_id text not null default '',
  anonymous integer not null default 0,
  category_id integer references appreciation_categories(id),
  message text not null,
  language text not null check (language in ('en','ar')),
  visibility text not null check (visibility in ('private','department','hospital','public')),
  status text not null check (status in ('draft','sent','acknowledged')),
  created_at text not null,
  updated_at text not null,
  sent_at text not null default '',
  acknowledged_at text not null default ''
) strict;
create index appreciations_hospital on appreciations(hospital_id, id);
create index appreciations_recipient on appreciations(recipient_staff_id, sent_at);
create index appreciations_sender on appreciations(sender_user_id, recipient_staff_id, created_at);
create index appreciations_month on appreciations(hospital_id, sent_at) where sent_at != '';
create index appreciations_wall on appreciations(hospital_id, id) where visibility = 'public' and status != 'draft';

-- A badge once per staff member and code, and per month for monthly badges.
create table badges (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  staff_id integer not null references staff(id),
  code text not null,
  period text not null default '',
  appreciation_id integer references appreciations(id),
  awarded_at text not null,
  unique (staff_id, code, period)
) strict;
create index badges_hospital on badges(hospital_id, awarded_at);

-- Look-ups this module makes in other tables: a caller's number among the hospital's
-- patients, and a staff member's user account by e-mail.
create index if not exists patients_hospital_phone on patients(hospital_id, phone) where phone != '';
create index if not exists staff_email on staff(email) where email != '';
