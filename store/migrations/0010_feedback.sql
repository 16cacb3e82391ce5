-- 0010: patient feedback (responses to the patient, links to improvement actions, a log)
-- and staff observations (categories, SLA rules per hospital and severity, a status log,
-- fired reminders). An observation holds no trace of its reporter (no address, session,
-- user or browser) unless the reporter chose to give a name or contact.

create table feedback (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  department_id integer references departments(id),
  type text not null check (type in ('compliment','suggestion','general','inquiry','satisfaction_check')),
  status text not null check (status in ('submitted','reviewed','acknowledged','closed')),
  classification text not null default '' check (classification in ('','hospital','medical','non_medical','nursing','er','support')),
  patient_name text not null default '',
  patient_phone text not null default '',
  patient_email text not null default '',
  language text not null default 'ar' check (language in ('en','ar')),
  text text not null,
  tracking_code text not null unique,
  created_by text not null default '',   -- '' for the public form
  created_at text not null,
  updated_at text not null,
  closed_at text not null default ''
) strict;
create index feedback_hospital on feedback(hospital_id, id);
create index feedback_status on feedback(status, id);

create table feedback_log (
  id integer primary key,
  feedback_id integer not null references feedback(id),
  at text not null,
  actor text not null default '',
  kind text not null,
  from_status text not null default '',
  to_status text not null default '',
  note text not null default '',
  public integer not null default 0
) strict;
create index feedback_log_feedback on feedback_log(feedback_id, id);

-- Answers to the patient, sent through the notifications module.
create table feedback_responses (
  id integer primary key,
  feedback_id integer not null references feedback(id),
  text text not null,
  channel text not null default '',       -- '' when no channel could reach the patient
  message_id integer not null default 0,  -- the notify_messages row, 0 when none
  sent_by text not null,
  at text not null
) strict;
create index feedback_responses_feedback on feedback_responses(feedback_id, id);

-- Action plans: improvement actions a piece of feedback led to.
create table feedback_actions (
  feedback_id integer not null references feedback(id),
  action_id integer not null references actions(id),
  linked_by text not null,
  linked_at text not null,
  primary key (feedback_id, action_id)
) strict, without rowid;
create index feedback_actions_action on feedback_actions(action_id);

create table observation_categories (
  id integer primary key,
  hospital_id integer not null default 0,  -- 0: the group's default set
  parent_id integer not null default 0,    -- 0: a category; else the category of this subcategory
  code text not null,
  name_en text not null,
  name_ar text not null,
  active integer not null default 1,
  position integer not null default 0,
  unique (hospital_id, parent_id, code)
) strict;

create table observations (
  id integer primary key,
  hospital_id integer not null references hospitals(id),
  department_id integer references departments(id),
  category_id integer references observation_categories(id),
  subcategory_id integer references observation_categories(id),
  severity text not null check (severity in ('low','medium','high','critical')),
  status text not null check (status in ('new','triage','assigned','in_progress','resolved','closed','rejected')),
  description text not null,
  location text not null default '',
  tracking_code text not null unique,
  identified integer not null default 0,
  reporter_name text not null default '',     -- only when the reporter chose to identify
  reporter_contact text not null default '',  -- only when the reporter chose to identify
  assigned_to text not null default '',       -- a user id
  sla_hours real not null,
  reminder_hours real not null default 0,
  due_at text not null,
  next_milestone_at text not null default '', -- '' when no reminder is left to fire
  resolution text not null default '',
  created_at text not null,
  updated_at text not null,
  resolved_at text not null default '',
  closed_at text not null default ''
) strict;
create index observations_hospital on observations(hospital_id, id);
create index observations_status on observations(status, id);
create index observations_assigned on observations(assigned_to, status) where assigned_to != '';
create index observations_sweep on observations(next_milestone_at) where next_milestone_at != '';

create table observation_log (
  id integer primary key,
  observation_id integer not null references observations(id),
  at text not null,
  actor text not null default '',   -- "anonymous" for the reporter's own steps
  kind text not null,
  from_status text not null default '',
  to_status text not null default '',
  note text not null default '',
  public integer not null default 0
) strict;
create index observation_log_observation on observation_log(observation_id, id);

-- How long observations may take, per hospital (0: the group default) and severity.
create table observation_sla_rules (
  hospital_id integer not null default 0,
  severity text not null check (severity in ('low','medium','high','critical')),
  hours real not null check (hours > 0),
  reminder_hours real not null default 0 check (reminder_hours >= 0),
  updated_at text not null default '',
  primary key (hospital_id, severity)
) strict, without rowid;
insert into observation_sla_rules(hospital_id, severity, hours, reminder_hours) values
  (0, 'critical', 4, 1), (0, 'high', 24, 4), (0, 'medium', 72, 12), (0, 'low', 168, 24);

-- One row per reminder or overdue notice that went out: each fires exactly once.
create table observation_reminders (
  observation_id integer not null references observations(id),
  kind text not null,
  due_at text not null,
  fired_at text not null,
  primary key (observation_id, kind)
) strict, without rowid;

insert into observation_categories(hospital_id, parent_id, code, name_en, name_ar, position) values
  (0, 0, 'medication', 'Medication safety', 'سلامة الأدوية', 1),
  (0, 0, 'falls', 'Patient falls', 'سقوط المرضى', 2),
  (0, 0, 'infection', 'Infection control', 'مكافحة العدوى', 3),
  (0, 0, 'equipment', 'Equipment', 'المعدات والأجهزة', 4),
  (0, 0, 'environment', 'Environment and cleanliness', 'البيئة والنظافة', 5),
  (0, 0, 'security', 'Security', 'الأمن', 6),
  (0, 0, 'communication', 'Communication', 'التواصل', 7),
  (0, 0, 'staffing', 'Staffing', 'التوظيف', 8),
  (0, 0, 'other', 'Other', 'أخرى', 9);

insert into observation_categories(hospital_id, parent_id, code, name_en, name_ar, position)
select 0, c.id, s.code, s.name_en, s.name_ar, s.position
from observation_categories c join (
  select 'medication' as parent, 'wrong_drug_or_dose' as code, 'Wrong drug or dose' as name_en, 'دواء أو جرعة خاطئة' as name_ar, 1 as position
  union all select 'medication', 'allergy', 'Allergy missed', 'إغفال الحساسية', 2
  union all select 'medication', 'storage', 'Storage or labelling', 'التخزين أو الملصقات', 3
  union all select 'falls', 'fall_occurred', 'A fall happened', 'حدث سقوط', 1
  union all select 'falls', 'fall_risk', 'Fall risk (rails, floors, lighting)', 'خطر سقوط (الحواجز، الأرضيات، الإضاءة)', 2
  union all select 'infection', 'hand_hygiene', 'Hand hygiene', 'نظافة اليدين', 1
  union all select 'infection', 'ppe', 'Protective equipment', 'معدات الوقاية الشخصية', 2
  union all select 'infection', 'isolation', 'Isolation precautions', 'احتياطات العزل', 3
  union all select 'equipment', 'faulty', 'Faulty or broken', 'معطل أو تالف', 1
  union all select 'equipment', 'maintenance', 'Maintenance overdue', 'تأخر الصيانة', 2
  union all select 'environment', 'cleanliness', 'Cleanliness', 'النظافة', 1
  union all select 'environment', 'hazard', 'Spill or other hazard', 'انسكاب أو خطر آخر', 2
  union all select 'security', 'violence', 'Violence or aggression', 'عنف أو عدوان', 1
  union all select 'security', 'access', 'Unauthorised access', 'دخول غير مصرح به', 2
  union all select 'communication', 'handover', 'Handover', 'التسليم والاستلام', 1
  union all select 'communication', 'patient_information', 'Information to patients', 'المعلومات المقدمة للمرضى', 2
  union all select 'staffing', 'shortage', 'Staff shortage', 'نقص الموظفين', 1
  union all select 'staffing', 'fatigue', 'Fatigue or long shifts', 'الإرهاق أو المناوبات الطويلة', 2
) s on s.parent = c.code
where c.hospital_id = 0 and c.parent_id = 0;
