-- 0003: SLA rules and hospital business calendars (weekend, working hours, holidays).

-- An empty selector (null hospital, '' source, severity or priority) matches any value;
-- the most specific active rule wins (app.MatchSLARule).
create table sla_rules (
  id integer primary key,
  hospital_id integer references hospitals(id),
  source_code text not null default '',
  severity text not null default '' check (severity in ('','low','medium','high','critical')),
  priority text not null default '' check (priority in ('','low','medium','high','urgent')),
  hours real not null check (hours > 0),
  business_hours integer not null default 0 check (business_hours in (0,1)),
  reminder1_hours real not null default 0,
  reminder2_hours real not null default 0,
  escalations text not null default '[]', -- JSON array of {"level", "hours_after_breach"}
  active integer not null default 1 check (active in (0,1)),
  created_at text not null,
  updated_at text not null
) strict;
create index sla_rules_hospital on sla_rules(hospital_id);

-- A hospital without a row works the default Saudi week (app.DefaultCalendar).
create table hospital_calendars (
  hospital_id integer primary key references hospitals(id),
  weekend text not null, -- time.Weekday numbers, e.g. '5,6' (Friday, Saturday)
  open_minutes integer not null check (open_minutes >= 0 and open_minutes < 1440),
  close_minutes integer not null check (close_minutes > open_minutes and close_minutes <= 1440),
  updated_at text not null
) strict;

create table hospital_holidays (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  day text not null, -- YYYY-MM-DD, the hospital's local date
  name_en text not null,
  name_ar text not null,
  unique (hospital_id, day)
) strict;
