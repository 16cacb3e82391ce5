-- 0005: notifications: templates, per-hospital routes and contact rules, providers,
-- the message queue with one row per delivery attempt, opt-outs and the in-app inbox.

-- A saved template; hospital_id 0 is the system default that hospitals' rows override.
-- Keys without a saved row use the product's built-in text.
create table notify_templates (
  id integer primary key,
  hospital_id integer not null default 0,
  key text not null,
  channel text not null check (channel in ('sms','whatsapp','email','inapp')),
  subject_en text not null default '',
  subject_ar text not null default '',
  body_en text not null default '',
  body_ar text not null default '',
  whatsapp text not null default '',
  updated_by text not null default '',
  updated_at text not null,
  unique (hospital_id, key, channel)
) strict;

-- Which channels a key goes out on in one hospital (a comma-separated list in order of
-- preference; '' = off). Keys without a row use the built-in channels.
create table notify_routes (
  hospital_id integer not null references hospitals(id),
  key text not null,
  channels text not null,
  updated_at text not null,
  primary key (hospital_id, key)
) strict, without rowid;

create table notify_rules (
  hospital_id integer primary key references hospitals(id),
  quiet_start integer not null,
  quiet_end integer not null,
  cap_count integer not null,
  cap_hours integer not null,
  updated_at text not null
) strict;

-- The provider of each outbound channel. config is JSON; secret holds the encrypted
-- JSON of the secret fields.
create table notify_providers (
  channel text primary key check (channel in ('sms','whatsapp','email')),
  kind text not null,
  enabled integer not null default 1,
  config text not null,
  secret blob,
  updated_by text not null default '',
  updated_at text not null
) strict;

create table notify_messages (
  id integer primary key,
  hospital_id integer not null default 0,
  key text not null,
  channel text not null check (channel in ('sms','whatsapp','email')),
  purpose text not null check (purpose in ('service','survey')),
  audience text not null check (audience in ('patient','staff')),
  recipient text not null,
  patient_key text not null default '',
  lang text not null default 'ar',
  subject text not null default '',
  body text not null,
  template text not null default '',
  params text not null default '',
  status text not null check (status in ('pending','sending','sent','delivered','failed','bounced','suppressed')),
  attempts integer not null default 0,
  next_at text not null default '',       -- when a pending message may go ('' when not pending)
  lease_until text not null default '',   -- while sending
  provider text not null default '',
  provider_id text not null default '',
  last_error text not null default '',
  opt_out_token text not null default '',
  dedupe_key text,
  resent_from integer,
  created_at text not null,
  sent_at text not null default '',
  delivered_at text not null default '',
  updated_at text not null
) strict;
create unique index notify_messages_dedupe on notify_messages(dedupe_key) where dedupe_key is not null;
create index notify_messages_due on notify_messages(next_at) where status = 'pending';
create index notify_messages_sending on notify_messages(lease_until) where status = 'sending';
create index notify_messages_provider on notify_messages(provider_id) where provider_id != '';
create index notify_messages_optout on notify_messages(opt_out_token) where opt_out_token != '';
create index notify_messages_cap on notify_messages(patient_key, sent_at) where patient_key != '' and sent_at != '';
create index notify_messages_status on notify_messages(status, id);
create index notify_messages_hospital on notify_messages(hospital_id, id);
create index notify_messages_recipient on notify_messages(recipient, id);

create table notify_attempts (
  id integer primary key,
  message_id integer not null references notify_messages(id),
  attempt integer not null,
  at text not null,
  outcome text not null,
  http_status integer not null default 0,
  provider_id text not null default '',
  error text not null default '',
  millis integer not null default 0
) strict;
create index notify_attempts_message on notify_attempts(message_id, id);

create table notify_optouts (
  contact text not null,
  channel text not null,
  purpose text not null,
  source text not null,
  created_at text not null,
  primary key (contact, channel, purpose)
) strict, without rowid;

create table notify_inbox (
  id integer primary key,
  user_id text not null,
  hospital_id integer not null default 0,
  key text not null,
  title text not null,
  body text not null default '',
  link text not null default '',
  dedupe_key text,
  created_at text not null,
  read_at text not null default ''
) strict;
create index notify_inbox_user on notify_inbox(user_id, id);
create index notify_inbox_unread on notify_inbox(user_id) where read_at = '';
create unique index notify_inbox_dedupe on notify_inbox(dedupe_key) where dedupe_key is not null;
