-- 0012: text analysis results of any record, and the log of every exchange with the
-- optional language model.

create table analyses (
  record_type text not null,          -- complaint, survey_response, feedback, observation, call, appreciation
  record_id integer not null,
  hospital_id integer not null default 0,
  lang text not null,
  label text not null check (label in ('positive','neutral','negative')),
  score real not null,
  confidence real not null,
  keywords text not null default '[]',
  emotions text not null default '[]',
  topics text not null default '[]',
  entities text not null default '[]',
  engine text not null default 'lexicon',   -- lexicon, or llm when the model's opinion was used
  summary text not null default '',         -- from the language model, when enabled
  suggestion text not null default '',
  analyzed_at text not null,
  primary key (record_type, record_id)
) strict, without rowid;
create index analyses_hospital on analyses(hospital_id, label);

create table llm_log (
  id integer primary key,
  at text not null,
  record_type text not null default '',
  record_id integer not null default 0,
  purpose text not null,
  model text not null,
  prompt text not null,                     -- as sent: patient identifiers already redacted
  response text not null default '',
  error text not null default '',
  millis integer not null default 0
) strict;
create index llm_log_record on llm_log(record_type, record_id);
