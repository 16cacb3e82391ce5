-- 0002: the complaint taxonomy (domain → category → subcategory → classification, the
-- SHCT structure) and the sources complaints and inquiries come from. Rows are
-- deactivated, never deleted, so old complaints keep their classification.

create table complaint_categories (
  id integer primary key,
  parent_id integer references complaint_categories(id),
  level integer not null check (level between 1 and 4),
  code text not null,
  name_en text not null,
  name_ar text not null,
  description_en text not null default '',
  description_ar text not null default '',
  hospital_id integer references hospitals(id), -- null: system-wide
  active integer not null default 1,
  sort_order integer not null default 0,
  created_at text not null,
  updated_at text not null,
  check ((parent_id is null) = (level = 1))
) strict;
create unique index complaint_categories_sibling_code on complaint_categories(coalesce(parent_id, 0), code);
create index complaint_categories_parent on complaint_categories(parent_id, sort_order);
create index complaint_categories_hospital on complaint_categories(hospital_id);

create table complaint_sources (
  id integer primary key,
  code text not null unique,
  name_en text not null,
  name_ar text not null,
  usable_for text not null check (usable_for in ('complaint','inquiry','both')),
  active integer not null default 1,
  sort_order integer not null default 0,
  system integer not null default 0, -- built in: the code cannot change
  created_at text not null,
  updated_at text not null
) strict;
