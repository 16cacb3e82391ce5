-- 0001: the appliance core: organization, accounts, sessions, audit log, outbox.

create table organizations (
  id integer primary key,
  name_en text not null,
  name_ar text not null
) strict;

create table hospitals (
  id integer primary key,
  organization_id integer not null references organizations(id),
  code text not null unique,
  name_en text not null,
  name_ar text not null,
  time_zone text not null default 'Asia/Riyadh',
  active integer not null default 1,
  created_at text not null,
  updated_at text not null
) strict;

create table departments (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  code text not null,
  name_en text not null,
  name_ar text not null,
  name_key text not null,
  category text not null check (category in ('nursing','medical','non-medical','support')),
  active integer not null default 1,
  created_at text not null,
  updated_at text not null,
  unique (hospital_id, code)
) strict;
create index departments_hospital_name on departments(hospital_id, name_key);

create table sections (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  department_id integer not null references departments(id),
  name_en text not null,
  name_ar text not null,
  name_key text not null,
  active integer not null default 1,
  created_at text not null,
  updated_at text not null
) strict;
create index sections_department on sections(department_id);
create index sections_hospital_name on sections(hospital_id, name_key);

create table staff (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  department_id integer references departments(id),
  section_id integer references sections(id),
  employee_no text not null,
  name_en text not null,
  name_ar text not null,
  name_key text not null,
  name_key_ar text not null default '',
  kind text not null check (kind in ('physician','nurse','admin','other')),
  job_title text not null default '',
  reports_to integer references staff(id),
  email text not null default '',
  phone text not null default '',
  active integer not null default 1,
  created_at text not null,
  updated_at text not null,
  unique (hospital_id, employee_no)
) strict;
create index staff_hospital on staff(hospital_id); -- rowid order within a hospital: keyset pages
create index staff_hospital_name on staff(hospital_id, name_key);
create index staff_name on staff(name_key);
create index staff_name_ar on staff(name_key_ar);
create index staff_hospital_name_ar on staff(hospital_id, name_key_ar);
create index staff_employee_no on staff(employee_no);
create index staff_department on staff(department_id);
create index staff_reports_to on staff(reports_to);

create table patients (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  mrn text not null,
  name_en text not null,
  name_ar text not null,
  name_key text not null,
  name_key_ar text not null default '',
  national_id_enc blob,
  national_id_idx text,
  phone text not null default '',
  email text not null default '',
  language text not null default 'ar' check (language in ('en','ar')),
  birth_date text not null default '',
  created_at text not null,
  updated_at text not null,
  unique (hospital_id, mrn)
) strict;
create index patients_hospital on patients(hospital_id); -- rowid order within a hospital: keyset pages
create index patients_mrn on patients(mrn);
create index patients_name on patients(name_key);
create index patients_name_ar on patients(name_key_ar);
create index patients_hospital_name_ar on patients(hospital_id, name_key_ar);
create index patients_hospital_name on patients(hospital_id, name_key);
create index patients_national_id on patients(national_id_idx);

create table users (
  id text primary key,
  email text not null unique,
  name text not null,
  language text not null default 'en' check (language in ('en','ar')),
  show_hijri integer not null default 0,
  role text not null check (role in ('px-admin','hospital-admin','department-manager','staff','viewer')),
  password_hash text not null,
  active integer not null default 1,
  failed_logins integer not null default 0,
  locked_until text not null default '',
  session_version integer not null default 1,
  last_login_at text not null default '',
  created_at text not null,
  updated_at text not null
) strict;

create table user_hospitals (
  user_id text not null references users(id) on delete cascade,
  hospital_id integer not null references hospitals(id),
  primary key (user_id, hospital_id)
) strict, without rowid;
create index user_hospitals_hospital on user_hospitals(hospital_id);

create table user_departments (
  user_id text not null references users(id) on delete cascade,
  department_id integer not null references departments(id),
  primary key (user_id, department_id)
) strict, without rowid;

create table password_resets (
  token_hash text primary key,
  user_id text not null references users(id) on delete cascade,
  created_by text not null,
  expires_at text not null,
  used_at text not null default ''
) strict;

create table sessions (
  token text primary key,
  data blob not null,
  expiry text not null
) strict;
create index sessions_expiry on sessions(expiry);

create table audit_log (
  id integer primary key,
  at text not null,
  actor_id text not null,
  actor_email text not null,
  hospital_id integer,
  ip text not null,
  action text not null,
  entity text not null,
  entity_id text not null,
  summary text not null,
  prev_hash text not null,
  hash text not null
) strict;
create index audit_log_hospital on audit_log(hospital_id, id);
create index audit_log_action on audit_log(action, id);
create index audit_log_actor on audit_log(actor_email, id);

create trigger audit_log_no_update before update on audit_log
begin select raise(abort, 'audit_log is append-only'); end;
create trigger audit_log_no_delete before delete on audit_log
begin select raise(abort, 'audit_log is append-only'); end;

create table outbox (
  id integer primary key,
  event_id text not null unique,
  kind text not null,
  hospital_id integer,
  payload text not null,
  created_at text not null,
  attempts integer not null default 0,
  next_attempt_at text not null,
  claimed_until text not null default '',
  last_error text not null default '',
  failed_at text not null default '',
  done_at text not null default ''
) strict;
create index outbox_pending on outbox(next_attempt_at) where done_at = '' and failed_at = '';
create index outbox_failed on outbox(id) where failed_at != '';
create index outbox_done on outbox(done_at) where done_at != '';

create table outbox_deliveries (
  event_id text not null,
  handler text not null,
  done_at text not null,
  primary key (event_id, handler)
) strict, without rowid;

create table settings (
  key text primary key,
  value text not null
) strict;
