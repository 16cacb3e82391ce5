-- 0006: surveys: versioned templates, per-hospital fatigue and exclusion rules, ward and
-- kiosk links, invitations (only the token's hash is stored), responses, and counters
-- that keep the results pages fast at millions of responses.

alter table patients add column deceased integer not null default 0;

create table survey_templates (
  id integer primary key,
  family integer not null,            -- the first version's id
  version integer not null,
  hospital_id integer not null default 0,
  kind text not null check (kind in ('general','resolution','ward')),
  name_en text not null,
  name_ar text not null,
  status text not null check (status in ('draft','active','archived')),
  definition text not null,           -- JSON: pages, questions, negative rule
  reminder_hours integer not null default 0,
  expiry_days integer not null,
  responses integer not null default 0,
  created_by text not null default '',
  created_at text not null,
  updated_at text not null,
  unique (family, version)
) strict;
create index survey_templates_hospital on survey_templates(hospital_id, family);

create table survey_settings (
  hospital_id integer primary key references hospitals(id),
  fatigue_days integer not null,
  min_age integer not null,
  excluded_departments text not null default '[]',
  updated_at text not null
) strict;

create table survey_locations (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  department_id integer references departments(id),
  section_id integer references sections(id),
  family integer not null,
  name_en text not null,
  name_ar text not null,
  code text not null unique,
  kiosk integer not null default 0,
  active integer not null default 1,
  created_at text not null,
  updated_at text not null
) strict;

create table survey_instances (
  id integer primary key,
  template_id integer not null references survey_templates(id),
  hospital_id integer not null,
  department_id integer not null default 0,
  location_id integer not null default 0,
  patient_id integer not null default 0,
  patient_key text not null default '',
  name text not null default '',
  phone text not null default '',
  email text not null default '',
  lang text not null default 'ar',
  channel text not null default '',
  source text not null,
  source_ref text not null default '',
  status text not null check (status in ('pending','sent','delivered','opened','completed','expired')),
  page integer not null default 0,
  answers text not null default '{}',
  token_hash text not null unique,
  token_enc blob,                      -- the token, encrypted: reminders carry the same link
  message_id integer not null default 0,
  created_at text not null,
  expires_at text not null,
  remind_at text not null default '',   -- '' once reminded, completed or expired
  opened_at text not null default '',
  completed_at text not null default '',
  reminded_at text not null default '',
  updated_at text not null
) strict;
create index survey_instances_patient on survey_instances(patient_key, created_at) where patient_key != '';
create index survey_instances_remind on survey_instances(remind_at) where remind_at != '';
create index survey_instances_expire on survey_instances(expires_at) where status not in ('completed','expired');
create index survey_instances_template on survey_instances(template_id, id);
create index survey_instances_hospital on survey_instances(hospital_id, id);
create index survey_instances_source on survey_instances(source, source_ref) where source_ref != '';

create table survey_responses (
  id integer primary key,
  instance_id integer unique,
  template_id integer not null references survey_templates(id),
  family integer not null,
  hospital_id integer not null,
  department_id integer not null default 0,
  location_id integer not null default 0,
  lang text not null,
  answers text not null,
  score real,
  nps integer,
  negative integer not null default 0,
  reasons text not null default '',
  created_at text not null
) strict;
create index survey_responses_family on survey_responses(family, id);
create index survey_responses_hospital on survey_responses(hospital_id, family, id);

-- Counters per template family, hospital, department and week (Monday), updated with
-- every invitation and response.
create table survey_stats (
  family integer not null,
  hospital_id integer not null,
  department_id integer not null,
  week text not null,
  invited integer not null default 0,
  responses integer not null default 0,
  score_sum real not null default 0,
  score_n integer not null default 0,
  satisfied integer not null default 0,   -- responses scoring 75 or more
  promoters integer not null default 0,
  passives integer not null default 0,
  detractors integer not null default 0,
  negatives integer not null default 0,
  primary key (family, hospital_id, department_id, week)
) strict, without rowid;

-- How often each answer value was given, per family, hospital, department and question.
create table survey_answer_stats (
  family integer not null,
  hospital_id integer not null,
  department_id integer not null,
  question text not null,
  value text not null,
  count integer not null default 0,
  primary key (family, hospital_id, department_id, question, value)
) strict, without rowid;
